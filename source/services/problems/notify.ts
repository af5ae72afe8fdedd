// --notify URL: post a result to a webhook, but only when it differs from the
// last one posted to that URL, so a systemd timer every minute does not spam.
// ntfy-style endpoints get plain text (title and priority as headers), any
// other URL a JSON document. The last state is kept in
// $XDG_STATE_HOME/proxdeck/notify.json, keyed by URL and subject.

import {createHash} from 'node:crypto';
import {mkdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs';
import {dirname} from 'node:path';

export interface Notification {
	/** What the result is about ("check pve.example:8006", "upgrade up-…"). */
	subject: string;
	/** "OK" | "WARNING" | "CRITICAL" | "UNKNOWN" (check), or the run's outcome. */
	status: string;
	/** The summary line. */
	title: string;
	/** The lines under it. */
	lines: string[];
	/**
	 * What decides "changed". For check it is the state alone (OK/WARNING/CRITICAL/UNKNOWN), as
	 * monitoring systems notify: a memory value drifting over and under 90 % would otherwise post every minute.
	 */
	fingerprint: string;
	/** The full result, for JSON endpoints. */
	json: unknown;
}

/** ntfy (and endpoints built like it) take a plain-text body; anything else gets JSON. */
export function wantsPlainText(url: string): boolean {
	try {
		const u = new URL(url);
		return /(^|\.)ntfy\b/.test(u.hostname) || u.pathname.split('/').includes('ntfy') || u.searchParams.get('format') === 'text';
	} catch {
		return false;
	}
}

export function fingerprintOf(status: string, ids: string[]): string {
	return createHash('sha256').update(JSON.stringify([status, [...ids].sort()])).digest('hex').slice(0, 16);
}

function readState(path: string): Record<string, string> {
	try {
		const parsed = JSON.parse(readFileSync(path, 'utf8')) as unknown;
		return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, string>) : {};
	} catch {
		return {};
	}
}

export type NotifyOutcome = {sent: true; status: number} | {sent: false; reason: 'unchanged'} | {sent: false; reason: 'failed'; error: string};

/**
 * Posts `n` to `url` unless the last notification to that URL about the same
 * subject had the same fingerprint. The state is only updated after a 2xx, so
 * a failed post is tried again on the next run.
 */
export async function notifyIfChanged(url: string, n: Notification, statePath: string, options: {timeoutMs?: number} = {}): Promise<NotifyOutcome> {
	const key = `${url} ${n.subject}`;
	const state = readState(statePath);
	if (state[key] === n.fingerprint) return {sent: false, reason: 'unchanged'};
	const plain = wantsPlainText(url);
	const priority = n.status === 'CRITICAL' ? '5' : n.status === 'WARNING' ? '4' : '3';
	const init: RequestInit = plain
		? {method: 'POST', headers: {'Content-Type': 'text/plain; charset=utf-8', Title: asciiHeader(n.title), Priority: priority, Tags: n.status.toLowerCase()}, body: [n.title, ...n.lines].join('\n')}
		: {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(n.json)};
	let response: Response;
	try {
		response = await fetch(url, {...init, signal: AbortSignal.timeout(options.timeoutMs ?? 10_000)});
		await response.arrayBuffer();
	} catch (error) {
		return {sent: false, reason: 'failed', error: error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)};
	}
	if (!response.ok) return {sent: false, reason: 'failed', error: `HTTP ${response.status}`};
	state[key] = n.fingerprint;
	mkdirSync(dirname(statePath), {recursive: true, mode: 0o700});
	const tmp = `${statePath}.${process.pid}.tmp`;
	writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`, {mode: 0o600});
	renameSync(tmp, statePath);
	return {sent: true, status: response.status};
}

/** HTTP header values must be ASCII: "·" and "≥" would make fetch throw. */
function asciiHeader(text: string): string {
	return text.replace(/·/g, '-').replace(/≥/g, '>=').replace(/—/g, '-').replace(/[^\x20-\x7e]/g, '?');
}
