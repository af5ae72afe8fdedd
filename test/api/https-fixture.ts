// A tiny real HTTPS server for the API client tests: a self-signed
// certificate (from `selfsigned`), a request log, and a per-test handler that
// decides each answer. No mocks of undici: the client talks real TLS.

import {X509Certificate} from 'node:crypto';
import type {IncomingMessage} from 'node:http';
import {createServer, type Server} from 'node:https';
import {createServer as createTcpServer, type AddressInfo, type Socket} from 'node:net';
import selfsigned from 'selfsigned';
import {createClient, type ClientOptions, type PveClient} from '../../source/api/client.js';

export interface LoggedRequest {
	method: string;
	path: string; // without /api2/json and query
	query: URLSearchParams;
	headers: IncomingMessage['headers'];
	body: string;
	form: URLSearchParams;
}

export type Answer =
	| {status?: number; statusText?: string; body?: string | Buffer; json?: unknown; headers?: Record<string, string>}
	| 'hang' // never answer
	| 'drop'; // close the connection without an answer

export type Handler = (request: LoggedRequest, index: number) => Answer | Promise<Answer>;

export interface TestServer {
	host: string;
	port: number;
	fingerprint: string; // "AB:CD:…"
	certPem: string;
	requests: LoggedRequest[];
	setHandler(handler: Handler): void;
	close(): Promise<void>;
}

interface Credentials {
	cert: string;
	key: string;
}

let cached: Credentials | undefined;

/** One key pair per test process: RSA generation in JS costs ~0.5 s. */
export function testCertificate(): Credentials {
	if (!cached) {
		const pems = selfsigned.generate([{name: 'commonName', value: 'localhost'}], {
			days: 30,
			keySize: 2048,
			algorithm: 'sha256',
			extensions: [
				{name: 'basicConstraints', cA: true},
				{name: 'subjectAltName', altNames: [{type: 2, value: 'localhost'}, {type: 7, ip: '127.0.0.1'}]},
			],
		});
		cached = {cert: pems.cert, key: pems.private};
	}
	return cached;
}

export function fingerprintOf(certPem: string): string {
	return new X509Certificate(certPem).fingerprint256;
}

export async function startTestServer(handler: Handler = () => ({json: {data: null}}), listenHost = '127.0.0.1'): Promise<TestServer> {
	const {cert, key} = testCertificate();
	const requests: LoggedRequest[] = [];
	const sockets = new Set<Socket>();
	let current = handler;
	const server: Server = createServer({cert, key}, (req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', async () => {
			const url = new URL(req.url ?? '/', 'https://x');
			const body = Buffer.concat(chunks).toString('utf8');
			const logged: LoggedRequest = {
				method: req.method ?? '',
				path: url.pathname.replace(/^\/api2\/json/, ''),
				query: url.searchParams,
				headers: req.headers,
				body,
				form: new URLSearchParams(body),
			};
			requests.push(logged);
			const answer = await current(logged, requests.length - 1);
			if (answer === 'hang') return;
			if (answer === 'drop') {
				req.socket.destroy();
				return;
			}
			const text = answer.json !== undefined ? JSON.stringify(answer.json) : (answer.body ?? '');
			res.writeHead(answer.status ?? 200, answer.statusText ?? '', {
				'Content-Type': 'application/json;charset=UTF-8',
				...answer.headers,
			});
			res.end(text);
		});
	});
	server.on('connection', (socket: Socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve) => server.listen(0, listenHost, resolve));
	const {port} = server.address() as AddressInfo;
	return {
		host: listenHost,
		port,
		fingerprint: fingerprintOf(cert),
		certPem: cert,
		requests,
		setHandler(next) {
			current = next;
		},
		async close() {
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

/** A port on which nothing listens (bound, then released). */
export async function closedPort(): Promise<number> {
	const probe = createTcpServer();
	await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
	const {port} = probe.address() as AddressInfo;
	await new Promise<void>((resolve) => probe.close(() => resolve()));
	return port;
}

/** A token used by tests that only need some valid credentials. */
export const TEST_TOKEN = {kind: 'token', tokenId: 'root@pam!proxdeck', secret: '8d2e6f3a-1b4c-4d5e-9f60-7a8b9c0d1e2f'} as const;

/** A client of `server`, its certificate pinned, with TEST_TOKEN. */
export function tokenClient(server: TestServer, options: Partial<ClientOptions> = {}): PveClient {
	return createClient({host: server.host, port: server.port, fingerprint: server.fingerprint, auth: TEST_TOKEN, ...options});
}

