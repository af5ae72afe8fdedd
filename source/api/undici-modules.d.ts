// Types for undici's own files that undici-parts.ts loads: the same classes
// and functions the index exports (index.js: `module.exports.Agent = Agent`).
declare module 'undici/lib/dispatcher/agent.js' {
	import {Agent} from 'undici';
	export default Agent;
}

declare module 'undici/lib/core/connect.js' {
	import {buildConnector} from 'undici';
	export default buildConnector;
}
