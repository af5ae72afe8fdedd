// Reading an HTTP request the way pve-http-server does: query string, then
// a form-urlencoded or JSON body; query parameters override body ones.

import type {IncomingMessage} from 'node:http';

export interface ParsedRequest {
	method: string;
	/** Path below /api2/json, without trailing slash ('' stays ''). */
	path: string;
	isApi: boolean;
	query: Record<string, string>;
	body: Record<string, unknown>;
	/** Body values as strings (JSON true/false → 1/0), as PVE's checker sees them. */
	bodyStrings: Record<string, string>;
	bodyError?: string;
}

const MAX_BODY = 512 * 1024;

export function readBody(req: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > MAX_BODY) {
				reject(new Error('request too large'));
				req.destroy();
				return;
			}
			chunks.push(chunk);
		});
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}

function stringify(value: unknown): string {
	if (value === true) return '1';
	if (value === false) return '0';
	if (value === null || value === undefined) return '';
	if (typeof value === 'object') return JSON.stringify(value);
	return String(value);
}

export function parseRequest(req: IncomingMessage, rawBody: string): ParsedRequest {
	const url = new URL(req.url ?? '/', 'https://sim.invalid');
	const prefix = '/api2/json';
	const isApi = url.pathname === prefix || url.pathname.startsWith(`${prefix}/`);
	const path = isApi ? url.pathname.slice(prefix.length).replace(/\/+$/, '') : url.pathname;
	const query: Record<string, string> = {};
	for (const [k, v] of url.searchParams) query[k] = v;
	let body: Record<string, unknown> = {};
	let bodyError: string | undefined;
	const type = String(req.headers['content-type'] ?? '').toLowerCase();
	if (rawBody.trim() !== '') {
		if (type.startsWith('application/json')) {
			try {
				const parsed: unknown = JSON.parse(rawBody);
				if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
				else bodyError = 'JSON body must be an object';
			} catch {
				bodyError = 'unable to parse JSON body';
			}
		} else {
			for (const [k, v] of new URLSearchParams(rawBody)) body[k] = v;
		}
	}
	const bodyStrings: Record<string, string> = {};
	for (const [k, v] of Object.entries(body)) bodyStrings[k] = stringify(v);
	return {method: (req.method ?? 'GET').toUpperCase(), path, isApi, query, body, bodyStrings, ...(bodyError ? {bodyError} : {})};
}
