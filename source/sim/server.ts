// The Proxmox VE API simulator over real HTTPS. Public entry point:
// startSimulator() and describeSimulator(). Request handling lives in
// pipeline.ts; this file owns sockets, TLS, timing and the request record.

import {createServer, type Server} from 'node:https';
import type {IncomingMessage, ServerResponse} from 'node:http';
import type {Socket} from 'node:net';
import {gzipSync} from 'node:zlib';
import {createHash} from 'node:crypto';
import type {AddressInfo} from 'node:net';
import {newAuthKeys} from './auth.js';
import {generateClusterCertificates, type SimCertificate} from './cert.js';
import type {Fixture} from './fixture-types.js';
import {runPipeline, type Outcome} from './pipeline.js';
import {parseRequest, readBody} from './request.js';
import {handlerTable} from './router.js';
import {buildState, markChanged, type SimState} from './state.js';
import {advanceTasks} from './tasks.js';

export {describeSimulator} from './describe.js';
export {IMPLEMENTED_ROUTES} from './router.js';
export type {SimState} from './state.js';
export {injectFailure} from './state.js';

export interface SimulatorOptions {
	fixture: Fixture;
	host?: string;
	port?: number;
	clock?: () => number;
	authFailureDelayMs?: number;
	taskSpeed?: number;
	/** Reuse a certificate (tests starting many simulators skip the RSA key generation); default: a fresh one. */
	certificate?: SimCertificate;
	/**
	 * Also serve the API of every other node of the fixture on its own port,
	 * each with its own certificate signed by the cluster CA (as a real
	 * cluster's pveproxy on each node). The first node's is the main one.
	 */
	nodeEndpoints?: boolean;
}

/** One node's API listener. */
export interface SimEndpoint {
	node: string;
	host: string;
	port: number;
	url: string;
	/** This node's own certificate. */
	fingerprint: string;
	certPem: string;
	/** Stops this node's API (its listener closes, its connections drop): a node going away. */
	close(): Promise<void>;
}

export interface RecordedRequest {
	method: string;
	path: string;
	query: Record<string, string>;
	body: Record<string, unknown>;
	status: number;
	auth: 'ticket' | 'token' | 'none';
	user?: string;
	at: number;
}

export interface RunningSimulator {
	url: string;
	host: string;
	port: number;
	fingerprint: string;
	certPem: string;
	/** The cluster CA (pve-root-ca.pem) that signed every node's certificate. */
	caPem: string;
	/** Every node's API, the main one first (only the main one without nodeEndpoints). */
	endpoints: SimEndpoint[];
	state: SimState;
	requests: RecordedRequest[];
	setOutage(down: boolean): void;
	close(): Promise<void>;
}

const MAX_RECORDED = 5000;
/** How often tasks are advanced between requests under the real clock. */
const TASK_TICK_MS = 250;
/** Fields whose values must never be kept in the request record. */
const SECRET_FIELDS = new Set(['password', 'new-password', 'otp', 'tfa-challenge', 'ticket', 'vncticket']);

function redact(body: Record<string, unknown>): Record<string, unknown> {
	return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, SECRET_FIELDS.has(k) ? '***' : v]));
}

/** Node refuses control characters in a reason phrase; keep it printable. */
function reasonPhrase(reason: string): string {
	return reason.replace(/[^\x20-\x7e]/g, '?').slice(0, 200) || 'Error';
}

function send(res: ServerResponse, outcome: Outcome): void {
	res.statusCode = outcome.status;
	res.statusMessage = reasonPhrase(outcome.reason);
	res.setHeader('Cache-Control', 'max-age=0');
	res.setHeader('Pragma', 'no-cache');
	res.setHeader('Expires', new Date().toUTCString());
	res.setHeader('Server', 'pve-api-daemon/3.0');
	if (outcome.body === undefined) {
		res.setHeader('Content-Length', '0');
		res.end();
		return;
	}
	if (outcome.download) {
		// pveproxy streams downloads (the journal) with their own type, gzip-compressed.
		const raw = Buffer.from(outcome.body, 'utf8');
		const body = outcome.download.gzip ? gzipSync(raw) : raw;
		res.setHeader('Content-Type', outcome.download.contentType);
		if (outcome.download.gzip) res.setHeader('Content-Encoding', 'gzip');
		res.setHeader('Content-Length', String(body.length));
		res.end(body);
		return;
	}
	const body = Buffer.from(outcome.body, 'utf8');
	// Exactly this value: the proxmox-api npm refuses anything else.
	res.setHeader('Content-Type', 'application/json;charset=UTF-8');
	res.setHeader('Content-Length', String(body.length));
	res.end(body);
}

/** A stand-in fingerprint for a node whose API is not served (no key is made for it): distinct per node and per run. */
function unservedFingerprint(cert: SimCertificate, node: string): string {
	return createHash('sha256').update(`${cert.ca.certPem}\0${node}`).digest('hex').toUpperCase().match(/../g)!.join(':');
}

export async function startSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
	const clock = options.clock ?? Date.now;
	const authDelay = options.authFailureDelayMs ?? 3000;
	const host = options.host ?? '127.0.0.1';
	const mainNode = options.fixture.nodes[0]?.name ?? 'pve';
	const others = options.nodeEndpoints ? options.fixture.nodes.slice(1).map((n) => n.name) : [];
	// Each node: its own key and certificate, signed by the same cluster CA (reused from options.certificate when given).
	const certs = options.certificate
		? [options.certificate, ...(await generateClusterCertificates(others, options.certificate.ca))]
		: await generateClusterCertificates([mainNode, ...others]);
	const cert = certs[0]!;
	const nodeCerts = new Map<string, SimCertificate>(certs.map((c, i) => [i === 0 ? mainNode : others[i - 1]!, c]));
	// A node not served here still has a certificate of its own: its fingerprint differs from every other's.
	const nodeFingerprints = Object.fromEntries(options.fixture.nodes.map((n) => [n.name, nodeCerts.get(n.name)?.fingerprint ?? unservedFingerprint(cert, n.name)]));
	const state = buildState(options.fixture, {clock, taskSpeed: options.taskSpeed ?? 1, fingerprint: cert.fingerprint, nodeFingerprints});
	const keys = newAuthKeys();
	const handlers = handlerTable(keys);
	const requests: RecordedRequest[] = [];
	const sockets = new Set<Socket>();
	const timers = new Set<NodeJS.Timeout>();
	let down = false;
	// With the real clock, tasks also finish between requests, so a client that
	// only polls /cluster/resources sees a CT come up without ever asking for the task.
	// A test's injected clock moves by hand; requests advance the tasks then.
	const ticker = options.clock === undefined ? setInterval(() => advanceTasks(state), TASK_TICK_MS) : undefined;
	ticker?.unref();

	const record = (entry: RecordedRequest) => {
		requests.push(entry);
		if (requests.length > MAX_RECORDED) requests.splice(0, requests.length - MAX_RECORDED);
	};

	const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
		let raw: string;
		try {
			raw = await readBody(req);
		} catch {
			return;
		}
		const parsed = parseRequest(req, raw);
		let outcome: Outcome;
		if (!parsed.isApi) {
			outcome = {status: 404, reason: 'Not Found', body: JSON.stringify({data: null, message: 'Not Found\n'}), auth: 'none'};
		} else {
			try {
				outcome = runPipeline(state, keys, handlers, parsed, req.headers);
			} catch (error) {
				outcome = {status: 500, reason: 'Internal Server Error', body: JSON.stringify({data: null, message: `${(error as Error).message}\n`}), auth: 'none'};
			}
		}
		record({method: parsed.method, path: parsed.path, query: parsed.query, body: redact(parsed.body), status: outcome.status, auth: outcome.auth, ...(outcome.user ? {user: outcome.user} : {}), at: clock()});
		if (parsed.method !== 'GET') markChanged(state);
		const reply = () => {
			if (down || res.destroyed) return;
			send(res, outcome);
		};
		if (outcome.delayed && authDelay > 0) {
			const timer = setTimeout(() => {
				timers.delete(timer);
				reply();
			}, authDelay);
			timers.add(timer);
		} else {
			reply();
		}
	};

	const urlHost = host.includes(':') ? `[${host}]` : host;
	const listeners: SimEndpoint[] = [];
	/** One node's pveproxy: an HTTPS listener with that node's certificate, answering from the shared state. */
	const listen = async (node: string, nodeCert: SimCertificate, wanted: number): Promise<void> => {
		const nodeSockets = new Set<Socket>();
		const server: Server = createServer({key: nodeCert.keyPem, cert: nodeCert.certPem}, (req, res) => {
			void handle(req, res);
		});
		// Raw TCP sockets, tracked so an outage can cut them like an unreachable host.
		server.on('connection', (socket: Socket) => {
			if (down) {
				socket.destroy();
				return;
			}
			sockets.add(socket);
			nodeSockets.add(socket);
			socket.on('close', () => {
				sockets.delete(socket);
				nodeSockets.delete(socket);
			});
		});
		server.on('tlsClientError', () => {
			/* a client refusing our certificate is its business, not an error here */
		});
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(wanted, host, () => {
				server.off('error', reject);
				resolve();
			});
		});
		const port = (server.address() as AddressInfo).port;
		let closing: Promise<void> | undefined;
		const endpoint: SimEndpoint = {
			node,
			host,
			port,
			url: `https://${urlHost}:${port}`,
			fingerprint: nodeCert.fingerprint,
			certPem: nodeCert.certPem,
			close() {
				closing ??= new Promise<void>((resolve) => {
					server.close(() => resolve());
					for (const socket of nodeSockets) socket.destroy();
				});
				return closing;
			},
		};
		listeners.push(endpoint);
	};
	for (const [node, nodeCert] of nodeCerts) await listen(node, nodeCert, node === mainNode ? (options.port ?? 0) : 0);
	const main = listeners[0]!;
	const port = main.port;

	return {
		url: `https://${urlHost}:${port}`,
		host,
		port,
		fingerprint: cert.fingerprint,
		certPem: cert.certPem,
		caPem: cert.ca.certPem,
		endpoints: [...listeners],
		state,
		requests,
		setOutage(value: boolean) {
			down = value;
			if (value) for (const socket of sockets) socket.destroy();
		},
		close() {
			if (ticker) clearInterval(ticker);
			for (const timer of timers) clearTimeout(timer);
			timers.clear();
			return Promise.all(listeners.map((l) => l.close())).then(() => undefined);
		},
	};
}
