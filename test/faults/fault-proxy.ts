// A loopback HTTPS proxy between proxdeck's API client and the simulator that
// passes requests through or, per request, injects the faults a real network,
// pveproxy or a hostile host produce: malformed or wrongly typed JSON, 5xx and
// Proxmox's 595/596, bodies cut short, resets, answers that never come, huge
// answers. It speaks real TLS (the test certificate) and checks the
// simulator's certificate by its fingerprint.

import {request as httpsRequest} from 'node:https';
import {createServer, type Server} from 'node:https';
import type {IncomingMessage, ServerResponse} from 'node:http';
import type {AddressInfo, Socket} from 'node:net';
import type {TLSSocket} from 'node:tls';
import {fingerprintOf, testCertificate} from '../api/https-fixture.js';

export type Fault =
	/** A 200 whose body is exactly this text (malformed JSON, wrong types…). */
	| {kind: 'body'; body: string}
	/** A 200 carrying `{data}`. */
	| {kind: 'data'; data: unknown}
	/** An error status with a reason phrase (500, 595, 596…). */
	| {kind: 'status'; status: number; reason: string}
	/** The real answer, but the connection closes after half of its body. */
	| {kind: 'truncate'}
	/** The connection is reset before any answer. */
	| {kind: 'reset'}
	/** No answer until the fault is cleared (then the real one) or the client gives up. */
	| {kind: 'stall'}
	/** A 200 streaming `{"data":[…]}` of about `bytes` bytes, as fast as the client reads. */
	| {kind: 'huge'; bytes: number; announce?: boolean};

export interface ProxiedRequest {
	method: string;
	/** Without /api2/json and query. */
	path: string;
	fault?: Fault['kind'];
}

export interface FaultProxy {
	host: string;
	port: number;
	fingerprint: string;
	requests: ProxiedRequest[];
	/** Bytes the last 'huge' answer got out before the client stopped reading. */
	hugeSent(): number;
	/** Decides each request's fault; undefined passes it through. */
	setFault(choose: ((request: {method: string; path: string}) => Fault | undefined) | undefined): void;
	close(): Promise<void>;
}

export async function startFaultProxy(target: {host: string; port: number; fingerprint: string}): Promise<FaultProxy> {
	const {cert, key} = testCertificate();
	const sockets = new Set<Socket>();
	// The TCP sockets under the TLS ones, by client port: only a TCP socket can send a reset.
	const tcpByPort = new Map<number, Socket>();
	const requests: ProxiedRequest[] = [];
	let choose: ((request: {method: string; path: string}) => Fault | undefined) | undefined;
	let stalled: Array<() => void> = [];
	let hugeBytes = 0;

	function forward(req: IncomingMessage, body: Buffer, res: ServerResponse, onAnswer?: (status: number, headers: Record<string, unknown>, body: Buffer) => void): void {
		const upstream = httpsRequest(
			{
				host: target.host,
				port: target.port,
				method: req.method,
				path: req.url,
				headers: {...req.headers, host: `${target.host}:${target.port}`},
				// The simulator's certificate is self-signed: it is checked by fingerprint below instead.
				rejectUnauthorized: false,
				// A fresh connection each time: a pooled one may have been closed by the simulator while
				// a stalled request waited, and the proxy must not add faults of its own.
				agent: false,
			},
			(answer) => {
				const peer = (answer.socket as TLSSocket).getPeerCertificate();
				if (peer.fingerprint256 !== target.fingerprint) {
					res.destroy(new Error('simulator certificate mismatch'));
					return;
				}
				const chunks: Buffer[] = [];
				answer.on('data', (chunk: Buffer) => chunks.push(chunk));
				answer.on('end', () => {
					const full = Buffer.concat(chunks);
					if (onAnswer) return onAnswer(answer.statusCode ?? 502, answer.headers, full);
					res.writeHead(answer.statusCode ?? 502, answer.statusMessage, answer.headers);
					res.end(full);
				});
			},
		);
		upstream.on('error', (error) => res.destroy(error));
		upstream.end(body);
	}

	function huge(res: ServerResponse, bytes: number, announce: boolean): void {
		// 64 entries of ~1 KiB per write: few, large TLS records.
		const entry = Buffer.from(`${JSON.stringify({id: 'lxc/1', type: 'lxc', vmid: 1, node: 'pve1', name: 'x'.repeat(900)})},`.repeat(64));
		const head = Buffer.from('{"data":[');
		const count = Math.ceil(bytes / entry.length);
		res.writeHead(200, {'Content-Type': 'application/json;charset=UTF-8', ...(announce ? {'Content-Length': String(head.length + count * entry.length + 1)} : {})});
		hugeBytes = 0;
		let written = 0;
		const pump = () => {
			while (written < count) {
				written++;
				hugeBytes += entry.length;
				if (!res.write(entry)) return void res.once('drain', pump);
			}
			res.end(']');
		};
		res.write(head);
		res.on('close', () => (written = count + 1));
		pump();
	}

	const server: Server = createServer({cert, key}, (req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const body = Buffer.concat(chunks);
			const path = new URL(req.url ?? '/', 'https://x').pathname.replace(/^\/api2\/json/, '');
			const fault = choose?.({method: req.method ?? '', path});
			requests.push({method: req.method ?? '', path, ...(fault ? {fault: fault.kind} : {})});
			if (!fault) return forward(req, body, res);
			switch (fault.kind) {
				case 'body':
				case 'data': {
					const text = fault.kind === 'body' ? fault.body : JSON.stringify({data: fault.data});
					res.writeHead(200, {'Content-Type': 'application/json;charset=UTF-8', 'Content-Length': String(Buffer.byteLength(text))});
					res.end(text);
					return;
				}
				case 'status':
					res.writeHead(fault.status, fault.reason, {'Content-Length': '0'});
					res.end();
					return;
				case 'reset': {
					const tcp = tcpByPort.get(req.socket.remotePort ?? -1);
					if (tcp) tcp.resetAndDestroy();
					else req.socket.destroy();
					return;
				}
				case 'truncate':
					forward(req, body, res, (status, headers, full) => {
						res.writeHead(status, {...headers, 'content-length': String(full.length)} as Record<string, string>);
						res.write(full.subarray(0, Math.floor(full.length / 2)), () => req.socket.destroy());
					});
					return;
				case 'stall':
					stalled.push(() => forward(req, body, res));
					return;
				case 'huge':
					huge(res, fault.bytes, fault.announce ?? false);
					return;
			}
		});
	});
	// Node closes a kept-alive socket 5 s after its last answer even while a new request on it
	// is stalled; a stall must last until the client gives up.
	server.keepAliveTimeout = 120_000;
	server.on('connection', (socket: Socket) => {
		sockets.add(socket);
		const port = socket.remotePort ?? -1;
		tcpByPort.set(port, socket);
		socket.on('close', () => {
			sockets.delete(socket);
			if (tcpByPort.get(port) === socket) tcpByPort.delete(port);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as AddressInfo;
	return {
		host: '127.0.0.1',
		port,
		fingerprint: fingerprintOf(cert),
		requests,
		hugeSent: () => hugeBytes,
		setFault(next) {
			choose = next;
			if (!next) {
				const release = stalled;
				stalled = [];
				for (const go of release) go();
			}
		},
		async close() {
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
