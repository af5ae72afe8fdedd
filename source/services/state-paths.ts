// Where proxdeck keeps what must outlive a session: the audit log and the
// upgrade journals, under $XDG_STATE_HOME/proxdeck (else ~/.local/state).
// The demo keeps its own apart (with its simulator's saved state): a demo
// journal must never be offered for resuming against a real host, and demo
// actions must not fill the audit log of real ones.

import {homedir} from 'node:os';
import {join} from 'node:path';

export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
	const base = env.XDG_STATE_HOME && env.XDG_STATE_HOME.startsWith('/') ? env.XDG_STATE_HOME : join(env.HOME || homedir(), '.local', 'state');
	return join(base, 'proxdeck');
}

export interface StatePaths {
	/** The folder itself ($XDG_STATE_HOME/proxdeck, or …/proxdeck/demo; the demo keeps its simulator's state there). */
	dir: string;
	auditLog: string;
	runsDir: string;
}

export function statePaths(env: NodeJS.ProcessEnv, options: {demo: boolean}): StatePaths {
	const dir = options.demo ? join(stateDir(env), 'demo') : stateDir(env);
	return {dir, auditLog: join(dir, 'audit.log'), runsDir: join(dir, 'runs')};
}
