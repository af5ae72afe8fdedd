// Imported FIRST by view tests, before anything loads Ink/chalk: chalk reads
// FORCE_COLOR once at load, and test/run.js sets it to 0. With colour on, the
// frames carry the inverse (selection) and red (≥ 90 %) codes a user sees.
process.env.FORCE_COLOR = '1';
