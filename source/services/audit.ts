// The audit log: one JSON line per event in $XDG_STATE_HOME/proxdeck/audit.log.
// A "begin" line is written (synchronously) BEFORE the request is sent and an
// "end" line with the same id after the outcome is known, so a crash between
// the two leaves a begin without an end: shown as "unknown outcome".
// Identity is the token id or user name — the caller never hands us a secret.

import {randomUUID} from 'node:crypto';
import {appendFileSync, chmodSync, mkdirSync, readFileSync} from 'node:fs';
import {dirname} from 'node:path';
import type {AuditView} from '../store/ops-types.js';
import {statePaths} from './state-paths.js';

export interface AuditBegin {
	host: string;
	cluster?: string;
	identity: string;
	action: string;
	targets: number[];
	params: Record<string, unknown>;
}

export interface AuditEnd {
	upid?: string;
	/** "OK" or the error text. */
	result: string;
	durationMs: number;
}

export interface AuditLog {
	readonly path: string;
	/** Appends the begin line and returns its id. */
	begin(entry: AuditBegin): string;
	end(id: string, outcome: AuditEnd): void;
	/** The newest `limit` actions, newest first, begins paired with their ends. */
	recent(limit?: number): AuditView[];
}

/** $XDG_STATE_HOME/proxdeck/audit.log, else ~/.local/state/proxdeck/audit.log (real hosts; see state-paths.ts). */
export function defaultAuditPath(env: NodeJS.ProcessEnv = process.env): string {
	return statePaths(env, {demo: false}).auditLog;
}

export function createAuditLog(options: {path: string; clock?: () => number}): AuditLog {
	const {path} = options;
	const clock = options.clock ?? Date.now;
	let prepared = false;

	function append(line: Record<string, unknown>): void {
		if (!prepared) {
			mkdirSync(dirname(path), {recursive: true, mode: 0o700});
			prepared = true;
		}
		appendFileSync(path, JSON.stringify(line) + '\n', {mode: 0o600});
		// appendFileSync's mode applies only when it creates the file; tighten an old one too.
		chmodSync(path, 0o600);
	}

	return {
		path,
		begin(entry) {
			const id = randomUUID();
			append({phase: 'begin', id, time: new Date(clock()).toISOString(), ...entry});
			return id;
		},
		end(id, outcome) {
			append({phase: 'end', id, time: new Date(clock()).toISOString(), ...outcome});
		},
		recent(limit = 200) {
			return readAudit(path, limit);
		},
	};
}

/** Parses the file into one view per action; unreadable lines are skipped. */
export function readAudit(path: string, limit = 200): AuditView[] {
	let text: string;
	try {
		text = readFileSync(path, 'utf8');
	} catch {
		return [];
	}
	const byId = new Map<string, AuditView>();
	for (const line of text.split('\n')) {
		if (line.trim() === '') continue;
		let entry: Record<string, unknown>;
		try {
			entry = JSON.parse(line) as Record<string, unknown>;
		} catch {
			continue;
		}
		const id = String(entry.id ?? '');
		if (entry.phase === 'begin') {
			byId.set(id, {
				id,
				time: String(entry.time ?? ''),
				action: String(entry.action ?? ''),
				targets: Array.isArray(entry.targets) ? entry.targets.map(Number) : [],
				identity: String(entry.identity ?? ''),
				ended: false,
			});
		} else if (entry.phase === 'end') {
			const begun = byId.get(id);
			if (begun) byId.set(id, {...begun, ended: true, upid: entry.upid as string | undefined, result: String(entry.result ?? ''), durationMs: Number(entry.durationMs)});
		}
	}
	return [...byId.values()].reverse().slice(0, limit);
}
