// Entry point of the bundled build (dist/proxdeck.mjs, see bin/build.js).
import {main} from './main.js';

process.exit(await main(process.argv.slice(2)));
