// The contract between the router and endpoint handlers.

import type {Principal} from './acl.js';
import type {SimState} from './state.js';

export interface HandlerContext {
	state: SimState;
	/** Undefined only for `user: world` methods (login). */
	principal?: Principal;
	/** Path, query and body parameters after validation (strings as received). */
	params: Record<string, string>;
}

/** `data` is the envelope payload; `extra` adds top-level keys such as `total`. */
export interface Reply {
	data: unknown;
	extra?: Record<string, unknown>;
	/** Served like a PVE download (the journal): its own Content-Type, gzip-encoded body. */
	download?: {contentType: string; gzip: boolean};
}

export type Handler = (ctx: HandlerContext) => Reply;

export function principalOf(ctx: HandlerContext): Principal {
	if (!ctx.principal) throw new Error('handler needs an authenticated principal');
	return ctx.principal;
}
