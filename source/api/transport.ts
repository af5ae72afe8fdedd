// One HTTPS exchange with the Proxmox API, and nothing about credentials:
// builds the URL and body, enforces the time limit and the caller's
// AbortSignal, retries what is safe to retry, unwraps `{data}` and turns every
// failure into a PveApiError with a one-line message.
//
// The exchange goes straight to undici's dispatcher (exchange.ts), not through
// its fetch: fetch's WHATWG streams and header objects cost more than a small
// answer's parse (issue 12: about half of each poll's CPU at 28 guests), and
// the dispatcher hands over the HTTP reason phrase too, which is where
// Proxmox puts the message of an auth failure whose body is empty.

import type {Dispatcher} from 'undici';
import {exchange, TOO_LARGE} from './exchange.js';
import {oneLine, PveApiError} from './errors.js';
import {eachDataEntry} from './data-list.js';
import {createEntryMemo, parseJson, type EntryMemo} from './flat-entry.js';
import {DEPTH_LIMIT, ShapeError} from './shapes.js';
import {describeNetworkError, formatSeconds} from './network-errors.js';
import {encodeParams} from './params.js';
import {TlsRejection} from './tls.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface TransportOptions {
	/** "https://host:port" */
	origin: string;
	/** "host:port", as messages name the host. */
	target: string;
	dispatcher: Dispatcher;
	/** Limit for one attempt, from sending to the last byte of the answer. */
	timeoutMs: number;
	/** Extra attempts for a GET after a network error or 502/503/595. */
	retries: number;
	/** First back-off; doubles each retry. */
	retryDelayMs: number;
	/** Injectable wait between retries (tests). */
	sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
	/** Largest answer body read, in bytes; a larger one is refused unread (default RESPONSE_LIMIT). */
	maxResponseBytes?: number;
	/**
	 * Ask for gzip-compressed answers (pveproxy compresses any answer over 1 KiB
	 * when asked). Worth it across a network (a 10,000-guest poll is ~4 MB, a
	 * tenth of that compressed); on the host itself it only costs both sides CPU.
	 */
	acceptGzip?: boolean;
}

/**
 * A real /cluster/resources of a few thousand guests is a few MB (16 MiB holds ~40 000 entries). A host (or
 * something in its place) sending far more would cost memory many times its
 * size once parsed (70 MB took ~570 MB), so the rest is not read.
 */
export const RESPONSE_LIMIT = 16 * 1024 * 1024;

/** What `send` resolves with once every entry went to `eachEntry`. */
export const ENTRIES_VISITED: unique symbol = Symbol('entries visited');

export interface WireRequest {
	method: HttpMethod;
	/** API path without /api2/json, e.g. "/cluster/resources". */
	path: string;
	params?: Record<string, unknown>;
	headers?: Record<string, string>;
	signal?: AbortSignal;
	/**
	 * For a large list: each entry of a `{"data":[…]}` answer, parsed one at a
	 * time (data-list.ts), and `send` resolves with ENTRIES_VISITED. An answer of
	 * another shape is parsed whole and its `data` returned as usual. Called only
	 * once the whole body has arrived, so a retried attempt never visits twice.
	 * An entry is the visitor's during the visit only: the same visitor's next
	 * read may hand over the same object again, its numbers updated in place,
	 * when nothing else in it changed (flat-entry.ts, EntryMemo).
	 */
	eachEntry?: (entry: unknown, index: number) => void;
}

/** Each visitor's memo of the entries it was handed (a fleet source passes the same visitor every poll). */
const entryMemos = new WeakMap<(entry: unknown, index: number) => void, EntryMemo>();

function entryMemo(visit: (entry: unknown, index: number) => void): EntryMemo {
	let memo = entryMemos.get(visit);
	if (!memo) {
		memo = createEntryMemo();
		entryMemos.set(visit, memo);
	}
	return memo;
}

/**
 * Each caller signal's reads in flight, with one 'abort' listener on the signal
 * however many there are. A service passes one signal to all its reads, and a
 * sweep has dozens in flight: a listener each passed Node's limit of 10, and
 * Node printed its "possible memory leak" warning over the full-screen console
 * (32 nodes, bench/fleet.ts). Returns the function that forgets `abort`.
 */
const inFlight = new WeakMap<AbortSignal, Set<() => void>>();

function whenAborted(signal: AbortSignal, abort: () => void): () => void {
	const aborts = inFlight.get(signal) ?? watched(signal);
	aborts.add(abort);
	return () => aborts.delete(abort);
}

/** The reads in flight on `signal`, with the one listener that aborts them all. */
function watched(signal: AbortSignal): Set<() => void> {
	const aborts = new Set<() => void>();
	inFlight.set(signal, aborts);
	signal.addEventListener(
		'abort',
		() => {
			for (const abort of [...aborts]) abort();
			aborts.clear();
		},
		{once: true},
	);
	return aborts;
}

export interface Transport {
	/** Resolves with the `data` member of the answer. */
	send(request: WireRequest): Promise<unknown>;
}

/** Proxmox gateways answer these when another node or the daemon is briefly away. */
const TRANSIENT_STATUSES = new Set([502, 503, 595]);

/**
 * Only a GET is repeated: a POST/PUT/DELETE that failed in flight may
 * already have started a task, and doing it twice is not harmless.
 */
function isRetryable(request: WireRequest, error: PveApiError): boolean {
	if (request.method !== 'GET') return false;
	if (error.kind === 'network') return true;
	return error.kind === 'http' && TRANSIENT_STATUSES.has(error.status);
}

export function createTransport(options: TransportOptions): Transport {
	const sleep = options.sleep ?? abortableSleep;
	const maxBytes = options.maxResponseBytes ?? RESPONSE_LIMIT;

	function failure(request: WireRequest, init: Omit<ConstructorParameters<typeof PveApiError>[0], 'method' | 'path'>): PveApiError {
		return new PveApiError({...init, method: request.method, path: request.path});
	}

	function aborted(request: WireRequest): PveApiError {
		return failure(request, {kind: 'aborted', status: 0, message: `${request.method} ${request.path} was cancelled`});
	}

	function classifyThrown(request: WireRequest, thrown: unknown, timedOut: boolean): PveApiError {
		if (timedOut) {
			return failure(request, {
				kind: 'timeout',
				status: 0,
				message: `${options.target} did not answer ${request.method} ${request.path} within ${formatSeconds(options.timeoutMs)}`,
			});
		}
		if (request.signal?.aborted) return aborted(request);
		// undici could not even build the request (a header value with a line break): it is
		// described here and the header never named, as its value may be a credential.
		if (isInvalidHeader(thrown)) {
			return failure(request, {
				kind: 'network',
				status: 0,
				message: `cannot send ${request.method} ${request.path} to ${options.target}: a request header is not valid (a line break or control character in the credentials?)`,
			});
		}
		if (thrown instanceof TlsRejection) {
			return failure(request, {kind: thrown.kind, status: 0, message: thrown.message, fingerprint: thrown.fingerprint});
		}
		const described = describeNetworkError(thrown, options.target);
		return failure(request, {kind: described.kind, status: 0, message: described.message, cause: thrown});
	}

	function notApiJson(request: WireRequest, status: number): PveApiError {
		return failure(request, {
			kind: 'parse',
			status,
			message: `${options.target} answered ${request.method} ${request.path} with something that is not Proxmox API JSON`,
		});
	}

	function interpret(request: WireRequest, status: number, statusText: string, bytes: Buffer): unknown {
		if (request.eachEntry && status >= 200 && status < 300) {
			// An entry sits one level inside the answer's list: it may nest DEPTH_LIMIT - 1 levels itself.
			const outcome = eachDataEntry(bytes, DEPTH_LIMIT - 1, request.eachEntry, entryMemo(request.eachEntry));
			if (outcome === 'visited') return ENTRIES_VISITED;
			if (outcome === 'too deep') throw new ShapeError(`nested deeper than ${DEPTH_LIMIT} levels`);
			if (outcome === 'two data keys') throw new ShapeError('two "data" keys in one answer');
			if (outcome === 'not json') throw notApiJson(request, status);
			// Declined: another envelope, parsed whole below.
		}
		const text = bytes.toString('utf8');
		if (status >= 200 && status < 300) {
			const envelope = parseJson(text);
			if (envelope === undefined || typeof envelope !== 'object' || envelope === null || !('data' in envelope)) throw notApiJson(request, status);
			return (envelope as {data: unknown}).data;
		}
		// Error bodies are optional (auth failures have none, older PVE has no `message`).
		const body = parseJson(text) as {message?: unknown; errors?: unknown} | undefined;
		const bodyMessage = body && typeof body.message === 'string' ? oneLine(body.message) : '';
		const message = bodyMessage || oneLine(statusText) || `HTTP ${status}`;
		throw failure(request, {kind: 'http', status, message, errors: stringRecord(body?.errors)});
	}

	async function attempt(request: WireRequest): Promise<unknown> {
		if (request.signal?.aborted) throw aborted(request);
		const headers: Record<string, string> = {accept: 'application/json', ...lowerKeys(request.headers)};
		if (options.acceptGzip) headers['accept-encoding'] = 'gzip';
		let body: string | undefined;
		let path = `/api2/json${request.path}`;
		const encoded = encodeParams(request.params);
		if (request.method === 'POST' || request.method === 'PUT') {
			body = encoded.toString();
			headers['content-type'] = 'application/x-www-form-urlencoded';
		} else {
			const query = encoded.toString();
			if (query !== '') path += `?${query}`;
		}

		const controller = new AbortController();
		let timedOut = false;
		const timer = setTimeout(() => {
			timedOut = true;
			controller.abort();
		}, options.timeoutMs);
		const forget = request.signal ? whenAborted(request.signal, () => controller.abort()) : undefined;
		let answer: Awaited<ReturnType<typeof exchange>>;
		try {
			// Proxmox does not redirect, and a dispatcher never follows one: a 3xx is an error answer here.
			answer = await exchange(options.dispatcher, {origin: options.origin, path, method: request.method, headers, body}, controller.signal, maxBytes);
		} catch (thrown) {
			throw classifyThrown(request, thrown, timedOut);
		} finally {
			clearTimeout(timer);
			forget?.();
		}
		if (answer === TOO_LARGE) {
			throw failure(request, {
				kind: 'parse',
				status: 0,
				message: `${options.target} answered ${request.method} ${request.path} with more than ${formatBytes(maxBytes)} (proxdeck's limit for one answer); not read`,
			});
		}
		if (answer.bytes === undefined) throw notApiJson(request, answer.status);
		return interpret(request, answer.status, answer.statusText, answer.bytes);
	}

	return {
		async send(request) {
			for (let retry = 0; ; retry++) {
				try {
					return await attempt(request);
				} catch (error) {
					if (!(error instanceof PveApiError) || retry >= options.retries || !isRetryable(request, error)) throw error;
					try {
						await sleep(options.retryDelayMs * 2 ** retry, request.signal);
					} catch {
						throw aborted(request);
					}
				}
			}
		},
	};
}

function formatBytes(bytes: number): string {
	return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MiB` : `${Math.round(bytes / 1024)} KiB`;
}

/** Header names in lower case, as the dispatcher sends them (one spelling per header). */
function lowerKeys(headers: Record<string, string> | undefined): Record<string, string> {
	const lowered: Record<string, string> = {};
	for (const [name, value] of Object.entries(headers ?? {})) lowered[name.toLowerCase()] = value;
	return lowered;
}

/** undici's refusal of a header it cannot send ("invalid authorization header"): it names the header, never the value. */
function isInvalidHeader(thrown: unknown): boolean {
	return thrown instanceof Error && (thrown as {code?: unknown}).code === 'UND_ERR_INVALID_ARG' && /header/.test(thrown.message);
}

/** `errors` of a 400: parameter → message, first line of each. */
function stringRecord(value: unknown): Record<string, string> | undefined {
	if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
	const entries = Object.entries(value as Record<string, unknown>).map(([key, text]) => [key, oneLine(String(text))] as const);
	return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
	return new Promise((resolve, reject) => {
		if (signal?.aborted) {
			reject(new Error('aborted'));
			return;
		}
		const onAbort = () => {
			clearTimeout(timer);
			reject(new Error('aborted'));
		};
		const timer = setTimeout(() => {
			signal?.removeEventListener('abort', onAbort);
			resolve();
		}, ms);
		signal?.addEventListener('abort', onAbort, {once: true});
	});
}
