// Stand-in for react-devtools-core in the bundle: Ink loads the real one only
// when DEV=true, and proxdeck does not ship it.
export default {
	initialize() {},
	connectToDevTools() {},
};
