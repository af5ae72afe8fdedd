// One request and its whole answer, straight through an undici dispatcher
// (the connection pool with the pinned TLS connector). What fetch would add —
// WHATWG streams, Headers objects, a Response — is not needed for an API
// answer that is read whole, and cost about as much CPU as the rest of a small
// poll (issue 12). What fetch did that matters is kept: the answer is bounded
// (announced or counted, and after decompression), gzip is undone, and the
// reason phrase is kept for answers whose body is empty.

import {gunzip} from 'node:zlib';
import type {Dispatcher} from 'undici';
import type {HttpMethod} from './transport.js';

export interface Outgoing {
	origin: string;
	/** Path with its query string. */
	path: string;
	method: HttpMethod;
	/** Lower-case names. */
	headers: Record<string, string>;
	body?: string;
}

export interface Answer {
	status: number;
	statusText: string;
	/** The body, decoded; undefined when it came in an encoding proxdeck did not ask for or cannot undo. */
	bytes: Buffer | undefined;
}

/** The answer (or its announced length) passed the limit: it was not read further. */
export const TOO_LARGE: unique symbol = Symbol('too large');

/**
 * Sends `outgoing` and resolves with the whole answer, or TOO_LARGE as soon as
 * it passes `maxBytes`. Rejects with undici's own error (connection refused,
 * TLS, reset…) or, once `signal` aborts, with its reason: the request is then
 * cancelled on the wire as soon as it has a connection.
 */
export function exchange(dispatcher: Dispatcher, outgoing: Outgoing, signal: AbortSignal, maxBytes: number): Promise<Answer | typeof TOO_LARGE> {
	return new Promise((resolve, reject) => {
		let settled = false;
		let cancel: ((reason: Error) => void) | undefined;
		let status = 0;
		let statusText = '';
		let encoding: string | undefined;
		const chunks: Buffer[] = [];
		let size = 0;

		const settle = (finish: () => void) => {
			if (settled) return;
			settled = true;
			signal.removeEventListener('abort', onAbort);
			finish();
		};
		const stop = (reason: Error) => cancel?.(reason);
		const tooLarge = () => {
			settle(() => resolve(TOO_LARGE));
			stop(new Error('answer too large'));
		};
		function onAbort() {
			const reason = signal.reason instanceof Error ? signal.reason : new Error('aborted');
			settle(() => reject(reason));
			stop(reason);
		}
		signal.addEventListener('abort', onAbort, {once: true});

		const handler: Dispatcher.DispatchHandlers = {
			onConnect(abort) {
				cancel = abort;
				if (settled) abort(new Error('cancelled'));
			},
			onHeaders(statusCode, rawHeaders, _resume, reason) {
				status = statusCode;
				statusText = reason ?? '';
				const announced = headerValue(rawHeaders, 'content-length');
				encoding = headerValue(rawHeaders, 'content-encoding')?.trim().toLowerCase();
				if (announced !== undefined && Number(announced) > maxBytes) {
					tooLarge();
					return false;
				}
				return true;
			},
			onData(chunk) {
				size += chunk.byteLength;
				if (size > maxBytes) {
					tooLarge();
					return false;
				}
				chunks.push(chunk);
				return true;
			},
			onComplete() {
				if (settled) return;
				const body = Buffer.concat(chunks, size);
				if (encoding === undefined || encoding === 'identity') {
					settle(() => resolve({status, statusText, bytes: body}));
					return;
				}
				if (encoding !== 'gzip') {
					settle(() => resolve({status, statusText, bytes: undefined}));
					return;
				}
				// On the thread pool, bounded: a small bomb must not become 16 MiB and more.
				gunzip(body, {maxOutputLength: maxBytes}, (error, plain) => {
					if (!error) settle(() => resolve({status, statusText, bytes: plain}));
					else if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') settle(() => resolve(TOO_LARGE));
					else settle(() => resolve({status, statusText, bytes: undefined}));
				});
			},
			onError(error) {
				settle(() => reject(error));
			},
		};
		if (signal.aborted) {
			onAbort();
			return;
		}
		dispatcher.dispatch({origin: outgoing.origin, path: outgoing.path, method: outgoing.method, headers: outgoing.headers, body: outgoing.body}, handler);
	});
}

/** A header of undici's raw list (name, value, name, value… as Buffers or strings). */
function headerValue(raw: Buffer[] | string[] | null | undefined, name: string): string | undefined {
	if (!raw) return undefined;
	for (let i = 0; i + 1 < raw.length; i += 2) {
		if (String(raw[i]).toLowerCase() === name) return String(raw[i + 1]);
	}
	return undefined;
}
