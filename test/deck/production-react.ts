// Imported first by tests that measure what React keeps: its development build
// keeps a stack (with the closures of every render) on each fiber, which the
// production build the console runs (bin/proxdeck.js) does not.
process.env.NODE_ENV = 'production';
