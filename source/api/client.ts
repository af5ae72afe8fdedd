// The Proxmox VE API client: our transport (TLS policy, time limits, retries,
// errors) and credentials, with proxmox-api's typed path builder on top.
// proxmox-api's own engine is not used: it can only disable TLS checks
// process-wide, retries POSTs and renews tickets on a message PVE 9 no longer
// sends (shared/research/pve-api.md §6).

import {inspect} from 'node:util';
import {proxmoxApi, type Proxmox} from 'proxmox-api';
import {Agent} from './undici-parts.js';
import {createTicketAuth, createTokenAuth, type Authenticator, type SecondFactor} from './auth.js';
import {PveApiError} from './errors.js';
import {checkAnswer, entryCheck, ShapeError} from './shapes.js';
import {createTlsConnector, type TlsMode} from './tls.js';
import {createTransport, ENTRIES_VISITED, type HttpMethod, type Transport} from './transport.js';
import {errorCode} from './network-errors.js';
import {normalizeFingerprint} from './fingerprint.js';

export type {HttpMethod} from './transport.js';
export type {TlsMode} from './tls.js';

export interface ClientOptions {
	host: string;
	/** Default 8006. */
	port?: number;
	auth: {kind: 'token'; tokenId: string; secret: string} | {kind: 'password'; username: string; password: string; secondFactor?: SecondFactor};
	/**
	 * Further API endpoints of the same cluster (other nodes), each with its own
	 * pinned certificate (or the cluster CA). When the endpoint in use stops
	 * answering, the client moves to the next one (onFailover tells who listens).
	 */
	moreEndpoints?: Endpoint[];
	/** Pin the server certificate by SHA-256 fingerprint ("AB:CD:…"). */
	fingerprint?: string;
	/** Accept any certificate (explicit user choice; shown as tlsMode 'insecure'). */
	insecure?: boolean;
	/** Extra CA (PEM) trusted besides the system CAs, e.g. pve-root-ca.pem. */
	ca?: string;
	/** Limit per attempt, default 15 s: above PVE's ~3 s delay on failed auth. */
	timeoutMs?: number;
	clock?: () => number;
	/** Extra attempts for GETs after network errors / 502 / 503 / 595; default 2. */
	retries?: number;
	/** First retry back-off, doubling; default 300 ms. */
	retryDelayMs?: number;
	/** Renew the ticket after this long; default 1.5 h. */
	ticketRenewAfterMs?: number;
	/** Largest answer read, in bytes; default transport.ts RESPONSE_LIMIT (16 MiB). */
	maxResponseBytes?: number;
}

export interface Endpoint {
	host: string;
	port: number;
	/** This node's own certificate. */
	fingerprint?: string;
}

export interface Failover {
	/** "host:port" given up on, and the one now in use. */
	from: string;
	to: string;
	/** Why the old one was given up on (one line). */
	reason: string;
}

export interface PveClient {
	/** proxmox-api's typed builder over our transport, e.g. api.cluster.resources.$get({type: 'vm'}). */
	api: Proxmox.Api;
	/** `path` like "/cluster/resources"; resolves with the `data` of the answer. */
	request<T>(method: HttpMethod, path: string, params?: Record<string, unknown>, signal?: AbortSignal): Promise<T>;
	/**
	 * GET of a large list (/cluster/resources) read entry by entry: each entry,
	 * checked as `request` would check it, goes to `visit` in order. Rejects as
	 * `request` would; entries visited before a refusal are the caller's to
	 * drop. An entry is `visit`'s during the visit only: the last read's
	 * entries are kept for `visit`'s next read, which hands over the same
	 * object again, its numbers updated in place, when everything else in it
	 * came as before (EntryMemo).
	 */
	requestEach(path: string, visit: (entry: Record<string, unknown>) => void, signal?: AbortSignal): Promise<void>;
	/** "host:port" of the endpoint in use (it changes on failover). */
	readonly target: string;
	readonly tlsMode: TlsMode;
	/** Called after the client moved to another endpoint of the cluster; returns the unsubscribe. */
	onFailover(listener: (event: Failover) => void): () => void;
	/** "root@pam!proxdeck" or "root@pam"; never a secret. */
	readonly identity: string;
	close(): Promise<void>;
}

const API_PREFIX = '/api2/json';

/** IPv6 literals need brackets in a URL and in "host:port". */
function hostForUrl(host: string): string {
	return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/**
 * Failures that say the endpoint is not there (refused, unreachable, reset, timed
 * out) — not an answer from Proxmox, so another node of the cluster may serve.
 */
function endpointDown(error: unknown): error is PveApiError {
	return error instanceof PveApiError && (error.kind === 'network' || error.kind === 'timeout');
}

/** The request surely never reached the API: safe to send a POST elsewhere. */
function neverSent(error: PveApiError): boolean {
	const code = errorCode(error.cause);
	return code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'ENOTFOUND' || code === 'UND_ERR_CONNECT_TIMEOUT';
}

interface Link {
	target: string;
	tlsMode: TlsMode;
	transport: Transport;
	agent: Agent;
}

/**
 * One entry of an entry-by-entry read through its route's check to the
 * caller's visitor: one function bound to each read's check and visitor, not
 * an arrow per read (README Design notes, "Per-poll callbacks are made once").
 */
function visitChecked(this: {check: EntryCheck; visit: EntryVisit}, entry: unknown, index: number): void {
	const kept = this.check(entry, index);
	if (kept) this.visit(kept);
}

type EntryVisit = (entry: Record<string, unknown>) => void;
type EntryCheck = (entry: unknown, index: number) => Record<string, unknown> | undefined;
/** visitChecked bound to a check and a visitor, made once per visitor: a fleet source passes the same one every poll, and the entry loop then calls the same function every poll too. */
const checkedVisitors = new WeakMap<EntryVisit, {check: EntryCheck; bound: (entry: unknown, index: number) => void}>();

function checkedVisitor(check: EntryCheck, visit: EntryVisit): (entry: unknown, index: number) => void {
	const known = checkedVisitors.get(visit);
	if (known?.check === check) return known.bound;
	const bound = visitChecked.bind({check, visit});
	checkedVisitors.set(visit, {check, bound});
	return bound;
}

export function createClient(options: ClientOptions): PveClient {
	const timeoutMs = options.timeoutMs ?? 15_000;
	const endpoints: Endpoint[] = [{host: options.host, port: options.port ?? 8006, ...(options.fingerprint ? {fingerprint: options.fingerprint} : {})}, ...(options.moreEndpoints ?? [])];
	const links = new Map<number, Link>();
	const listeners = new Set<(event: Failover) => void>();
	let active = 0;

	/** One endpoint's TLS policy, connection pool and transport, built when first used. */
	function link(index: number): Link {
		const existing = links.get(index);
		if (existing) return existing;
		const endpoint = endpoints[index]!;
		const target = `${hostForUrl(endpoint.host)}:${endpoint.port}`;
		const tls = createTlsConnector({
			// Each node has its own certificate, so each endpoint its own pin (a pin wins over --insecure and the CA).
			fingerprint: endpoint.fingerprint,
			insecure: options.insecure,
			ca: options.ca,
			connectTimeoutMs: Math.min(timeoutMs, 10_000),
		});
		// No cap on connections per origin (undici's default): the transport's
		// timeout counts the time a request waits for a free connection, so with
		// `connections: 2` one slow answer (a PBS content listing, apt/update on a
		// busy node) on each connection would hold the 2-s fleet poll and the
		// start-up config sweeps (4 at a time each) until they time out. The idle
		// handshakes are cut at their source instead: per-node and per-guest reads
		// have a budget per cycle (services/read-budget.ts), so a 30-s cycle sends
		// a few requests at once, not one per node.
		const agent = new Agent({connect: tls.connect});
		const transport = createTransport({
			origin: `https://${target}`,
			target,
			dispatcher: agent,
			timeoutMs,
			retries: options.retries ?? 2,
			retryDelayMs: options.retryDelayMs ?? 300,
			acceptGzip: !isLoopback(endpoint.host),
			...(options.maxResponseBytes !== undefined ? {maxResponseBytes: options.maxResponseBytes} : {}),
		});
		const made = {target, tlsMode: tls.mode, transport, agent};
		links.set(index, made);
		return made;
	}

	/**
	 * Sends on the endpoint in use; when it is down, on the next ones in turn
	 * (a GET always; anything else only when it surely never left). The first
	 * that answers becomes the endpoint in use, and listeners hear of it.
	 */
	async function sendWithFailover(send: (transport: Transport) => Promise<unknown>, method: HttpMethod): Promise<unknown> {
		const start = active;
		try {
			return await send(link(start).transport);
		} catch (error) {
			if (endpoints.length === 1 || !endpointDown(error) || (method !== 'GET' && !neverSent(error))) throw error;
			let last: unknown = error;
			for (let step = 1; step < endpoints.length; step++) {
				const index = (start + step) % endpoints.length;
				try {
					const answer = await send(link(index).transport);
					if (active === start) {
						active = index;
						const event = {from: link(start).target, to: link(index).target, reason: (error as PveApiError).message};
						for (const listener of listeners) listener(event);
					}
					return answer;
				} catch (next) {
					if (!endpointDown(next)) throw next;
					last = next;
				}
			}
			throw last;
		}
	}

	// A malformed pin is refused now, not at the first request to that node.
	for (const endpoint of endpoints) if (endpoint.fingerprint !== undefined) normalizeFingerprint(endpoint.fingerprint);
	link(0);

	const auth: Authenticator =
		options.auth.kind === 'token'
			? createTokenAuth(options.auth.tokenId, options.auth.secret)
			: createTicketAuth({
					username: options.auth.username,
					password: options.auth.password,
					// A ticket is valid on every node of the cluster, so a login may go to whichever answers.
					send: (request) => sendWithFailover((transport) => transport.send(request), request.method),
					clock: options.clock ?? Date.now,
					renewAfterMs: options.ticketRenewAfterMs,
					...(options.auth.secondFactor ? {secondFactor: options.auth.secondFactor} : {}),
				});

	async function authenticatedSend(
		method: HttpMethod,
		path: string,
		params: Record<string, unknown> | undefined,
		signal: AbortSignal | undefined,
		eachEntry?: (entry: unknown, index: number) => void,
	): Promise<unknown> {
		const send = async () =>
			sendWithFailover(async (transport) => transport.send({method, path, params, signal, headers: await auth.headersFor(method), ...(eachEntry ? {eachEntry} : {})}), method);
		try {
			return await send();
		} catch (error) {
			// Only a 401 to the request itself (not to a failed login) is worth a fresh login.
			// It means the request was not executed, so repeating it is safe even for a POST.
			const refusedRequest = error instanceof PveApiError && error.status === 401 && error.path === path && path !== '/access/ticket';
			if (refusedRequest && (await auth.recoverFrom401())) return send();
			throw error;
		}
	}

	async function request<T>(method: HttpMethod, path: string, params?: Record<string, unknown>, signal?: AbortSignal): Promise<T> {
		return refusing(method, path, async () => checkAnswer(method, path, await authenticatedSend(method, path, params, signal)) as T);
	}

	async function requestEach(path: string, visit: (entry: Record<string, unknown>) => void, signal?: AbortSignal): Promise<void> {
		const check = entryCheck('GET', path);
		if (!check) throw new Error(`GET ${path} is not a list read entry by entry`);
		await refusing('GET', path, async () => {
			const answer = await authenticatedSend('GET', path, undefined, signal, checkedVisitor(check, visit));
			// Not a plain {"data":[…]} envelope: parsed whole, checked whole, as `request` does.
			if (answer !== ENTRIES_VISITED) for (const entry of checkAnswer('GET', path, answer) as Array<Record<string, unknown>>) visit(entry);
		});
	}

	/** Runs `read`, turning a ShapeError into a PveApiError and keeping secrets out of every error. */
	async function refusing<T>(method: HttpMethod, path: string, read: () => Promise<T>): Promise<T> {
		try {
			return await read();
		} catch (error) {
			if (error instanceof ShapeError) {
				// Not retried: a host that sends junk once will likely send it again; the next poll asks anew.
				throw new PveApiError({kind: 'parse', status: 200, method, path, message: `${method} ${path}: ${error.message}`}).redacted(auth.secrets());
			}
			if (error instanceof PveApiError) throw error.redacted(auth.secrets());
			throw error;
		}
	}

	const api = proxmoxApi({
		// proxmox-api hands us a lower-case method and the full path ("/api2/json/…") and expects the unwrapped `data`.
		doRequest: (method: string, path: string, _template: string, params?: Record<string, unknown>) =>
			request(method.toUpperCase() as HttpMethod, path.startsWith(API_PREFIX) ? path.slice(API_PREFIX.length) : path, params),
	});

	const summary = () => ({target: link(active).target, tlsMode: link(active).tlsMode, identity: auth.identity});
	return {
		api,
		request,
		requestEach,
		get target() {
			return link(active).target;
		},
		get tlsMode() {
			return link(active).tlsMode;
		},
		identity: auth.identity,
		onFailover(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		close: async () => {
			await Promise.all([...links.values()].map((l) => l.agent.close()));
		},
		// Keep logs and debuggers to the harmless summary (the object holds no secret anyway).
		toJSON: summary,
		toString: () => `PveClient(${auth.identity} @ ${link(active).target}, tls ${link(active).tlsMode})`,
		[inspect.custom]: () => `PveClient ${inspect(summary())}`,
	} as PveClient;
}

/**
 * A host on this machine: proxdeck on the Proxmox node itself. Its answers are
 * not asked for compressed there (no network to spare, only CPU to spend on
 * both sides); any other host is.
 */
export function isLoopback(host: string): boolean {
	const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
	return bare === 'localhost' || bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare) || /^::ffff:127\./.test(bare);
}
