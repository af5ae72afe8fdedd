// Public surface of the SSH layer.
export type {CommandRunner, LineSource, RunOptions, RunResult, RunnerState, RunnerStatus, StreamEnd, StreamHandle} from './types.js';
export {SshError, type SshErrorKind} from './errors.js';
export {createSshRunner, type SshRunnerOptions, type Timers} from './ssh-runner.js';
export {createLocalRunner, detectLocalHost} from './local-runner.js';
export {quoteArgv, quoteWord} from './quote.js';
export {fingerprintOf, formatKnownHostLine, knownHostName, parseKnownHosts, verifyHostKey} from './known-hosts.js';
