// Public surface of the simulator's SSH side.
export {startSimSsh, type RunningSimSsh, type SimSshOptions} from './server.js';
export {runSim, spawnSim, spawnSimLine, REAL_TICKER, type SimIO, type SimProcess, type SimShellOptions, type Ticker, type CommandOutcome} from './commands.js';
export {startCommandRelay, RELAY_CLIENT, type CommandRelay} from './relay.js';
export {HOSTILE_MESSAGE} from './journal.js';
