// The Proxmox VE API client: our transport (TLS policy, time limits, retries,
// errors) and credentials, with proxmox-api's typed path builder on top.
// proxmox-api's own engine is not used: it can only disable TLS checks
// process-wide, retries POSTs and renews tickets on a message PVE 9 no longer
// sends (shared/research/pve-api.md §6).

import {inspect} from 'node:util';
import {proxmoxApi, type Proxmox} from 'proxmox-api';
import {Agent} from 'undici';
import {createTicketAuth, createTokenAuth, type Authenticator} from './auth.js';
import {PveApiError} from './errors.js';
import {checkAnswer, ShapeError} from './shapes.js';
import {createTlsConnector, type TlsMode} from './tls.js';
import {createTransport, type HttpMethod} from './transport.js';

export type {HttpMethod} from './transport.js';
export type {TlsMode} from './tls.js';

export interface ClientOptions {
	host: string;
	/** Default 8006. */
	port?: number;
	auth: {kind: 'token'; tokenId: string; secret: string} | {kind: 'password'; username: string; password: string};
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

export interface PveClient {
	/** proxmox-api's typed builder over our transport, e.g. api.cluster.resources.$get({type: 'vm'}). */
	api: Proxmox.Api;
	/** `path` like "/cluster/resources"; resolves with the `data` of the answer. */
	request<T>(method: HttpMethod, path: string, params?: Record<string, unknown>, signal?: AbortSignal): Promise<T>;
	/** "host:port" */
	readonly target: string;
	readonly tlsMode: TlsMode;
	/** "root@pam!proxdeck" or "root@pam"; never a secret. */
	readonly identity: string;
	close(): Promise<void>;
}

const API_PREFIX = '/api2/json';

/** IPv6 literals need brackets in a URL and in "host:port". */
function hostForUrl(host: string): string {
	return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

export function createClient(options: ClientOptions): PveClient {
	const port = options.port ?? 8006;
	const target = `${hostForUrl(options.host)}:${port}`;
	const timeoutMs = options.timeoutMs ?? 15_000;
	const tls = createTlsConnector({
		fingerprint: options.fingerprint,
		insecure: options.insecure,
		ca: options.ca,
		connectTimeoutMs: Math.min(timeoutMs, 10_000),
	});
	const agent = new Agent({connect: tls.connect});
	const transport = createTransport({
		origin: `https://${target}`,
		target,
		dispatcher: agent,
		timeoutMs,
		retries: options.retries ?? 2,
		retryDelayMs: options.retryDelayMs ?? 300,
		...(options.maxResponseBytes !== undefined ? {maxResponseBytes: options.maxResponseBytes} : {}),
	});
	const auth: Authenticator =
		options.auth.kind === 'token'
			? createTokenAuth(options.auth.tokenId, options.auth.secret)
			: createTicketAuth({
					username: options.auth.username,
					password: options.auth.password,
					send: (request) => transport.send(request),
					clock: options.clock ?? Date.now,
					renewAfterMs: options.ticketRenewAfterMs,
				});

	async function authenticatedSend(method: HttpMethod, path: string, params: Record<string, unknown> | undefined, signal: AbortSignal | undefined): Promise<unknown> {
		const send = async () => transport.send({method, path, params, signal, headers: await auth.headersFor(method)});
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
		try {
			return checkAnswer(method, path, await authenticatedSend(method, path, params, signal)) as T;
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

	const summary = () => ({target, tlsMode: tls.mode, identity: auth.identity});
	return {
		api,
		request,
		target,
		tlsMode: tls.mode,
		identity: auth.identity,
		close: () => agent.close(),
		// Keep logs and debuggers to the harmless summary (the object holds no secret anyway).
		toJSON: summary,
		toString: () => `PveClient(${auth.identity} @ ${target}, tls ${tls.mode})`,
		[inspect.custom]: () => `PveClient ${inspect(summary())}`,
	} as PveClient;
}
