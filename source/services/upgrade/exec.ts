// Commands inside a container through the CommandRunner (`pct exec`), with a
// time limit: a command past it is stopped (its channel closed) and reported
// as timed out — a hung dpkg script must not hold a run slot for ever.

import type {CommandRunner, LineSource} from '../../ssh/types.js';
import {argvOnNode} from '../../ssh/node-hop.js';
import {pctExec} from './managers.js';
import {sanitize} from '../../util/sanitize.js';
import {SshError} from '../../ssh/errors.js';

/** `lastError`: the command's last stderr line, so a failure says why (pct's own error, not just "exited 255"). */
/** `lost`: the whole SSH connection went (not just this channel): the command may have been cut anywhere. */
export type ExecEnd = {kind: 'exit'; code: number; lastError?: string} | {kind: 'timeout'} | {kind: 'dropped'; error?: string; lost?: boolean};

export interface ExecResult {
	end: ExecEnd;
	stdout: string;
}

/**
 * Runs `line` in the container, handing each output line to onLine; never
 * rejects. A container on another node of the cluster is reached through the
 * connected node (node-hop.ts).
 */
export async function execIn(
	runner: CommandRunner,
	guest: {vmid: number; node?: string},
	line: string,
	timeoutMs: number,
	onLine?: (text: string, from: LineSource) => void,
): Promise<ExecResult> {
	let stdout = '';
	let lastError: string | undefined;
	let timedOut = false;
	let handle: ReturnType<CommandRunner['stream']>;
	try {
		const argv = await argvOnNode(runner, guest.node, pctExec(guest.vmid, line));
		// once: a command cut by a lost connection is reported, never silently run again on the next one.
		handle = runner.stream(
			argv,
			(text, from) => {
				if (from === 'stdout') stdout += `${text}\n`;
				else if (text.trim() !== '') lastError = sanitize(text.trim()).slice(0, 200);
				onLine?.(text, from);
			},
			{once: true},
		);
	} catch (error) {
		return {end: {kind: 'dropped', error: error instanceof Error ? error.message : String(error), ...(connectionLost(error) ? {lost: true} : {})}, stdout};
	}
	const timer = setTimeout(() => {
		timedOut = true;
		handle.stop();
	}, timeoutMs);
	try {
		const done = await handle.done;
		if (timedOut) return {end: {kind: 'timeout'}, stdout};
		// No exit status: the channel closed under the command (or the connection failed).
		if (done.code === null) {
			const lost = connectionLost(done.error);
			return {end: {kind: 'dropped', ...(done.error ? {error: done.error.message} : done.signal ? {error: `signal ${done.signal}`} : {}), ...(lost ? {lost} : {})}, stdout};
		}
		return {end: {kind: 'exit', code: done.code, ...(done.code !== 0 && lastError ? {lastError} : {})}, stdout};
	} catch (error) {
		return {end: {kind: 'dropped', error: error instanceof Error ? error.message : String(error), ...(connectionLost(error) ? {lost: true} : {})}, stdout};
	} finally {
		clearTimeout(timer);
	}
}

/**
 * The whole connection went away (not one channel): the runner's own "connection lost", or
 * ssh2's "Not connected" for a command issued while it was down. That interrupts a step; it
 * does not fail the upgrade.
 */
function connectionLost(error: unknown): boolean {
	if (error instanceof SshError) return error.kind === 'closed';
	return error instanceof Error && /\bnot connected\b|connection lost|ECONNRESET/i.test(error.message);
}

export function describeEnd(what: string, end: ExecEnd, timeoutMs: number): string {
	switch (end.kind) {
		case 'exit':
			return `${what} exited ${end.code}${end.lastError ? ` (${end.lastError})` : ''}`;
		case 'timeout':
			return `${what} hung: stopped after ${Math.round(timeoutMs / 1000)} s`;
		case 'dropped':
			if (end.lost) return `${what}: the SSH connection was lost${end.error ? ` (${end.error})` : ''}`;
			return `${what}: the SSH channel dropped${end.error ? ` (${end.error})` : ''}`;
	}
}
