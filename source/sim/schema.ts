// The official PVE API schema (pve-docs apidata.js as JSON, copied next to
// this file so the simulator ships with it), flattened to (method, regex) so
// every request is matched and validated against what real Proxmox declares.

import {readFileSync} from 'node:fs';
import {packagePath} from '../util/package-root.js';

export interface ParamSchema {
	type?: string;
	optional?: number | boolean;
	enum?: string[];
	minimum?: number | string;
	maximum?: number | string;
	maxLength?: number;
	minLength?: number;
	pattern?: string;
	format?: unknown;
	properties?: Record<string, ParamSchema>;
	items?: ParamSchema;
	additionalProperties?: number | boolean | ParamSchema;
	default?: unknown;
}

export interface MethodInfo {
	name?: string;
	allowtoken?: number;
	protected?: number;
	proxyto?: string;
	permissions?: {check?: unknown[]; user?: string; description?: string};
	parameters?: ParamSchema;
	returns?: ParamSchema;
}

export interface SchemaRoute {
	method: string;
	/** e.g. /nodes/{node}/lxc/{vmid}/config */
	template: string;
	regex: RegExp;
	paramNames: string[];
	info: MethodInfo;
}

interface SchemaNode {
	path: string;
	info?: Record<string, MethodInfo>;
	children?: SchemaNode[];
}

let cached: SchemaRoute[] | undefined;

export function schemaRoutes(): SchemaRoute[] {
	if (cached) return cached;
	const tree = JSON.parse(readFileSync(packagePath('source', 'sim', 'pve-apidoc.json'), 'utf8')) as SchemaNode[];
	const routes: SchemaRoute[] = [];
	const walk = (nodes: SchemaNode[]) => {
		for (const node of nodes) {
			const paramNames = [...node.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
			const source = node.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}|\{[^}]+\}/g, '([^/]+)');
			for (const [method, info] of Object.entries(node.info ?? {})) {
				routes.push({method, template: node.path, regex: new RegExp(`^${source}$`), paramNames, info});
			}
			if (node.children) walk(node.children);
		}
	};
	walk(tree);
	// Literal segments win over placeholders (/cluster/ha/status/current before …/{x}).
	routes.sort((a, b) => a.paramNames.length - b.paramNames.length);
	cached = routes;
	return routes;
}

export function findSchemaRoute(method: string, path: string): {route: SchemaRoute; pathParams: Record<string, string>} | undefined {
	for (const route of schemaRoutes()) {
		if (route.method !== method) continue;
		const match = route.regex.exec(path);
		if (!match) continue;
		const pathParams: Record<string, string> = {};
		route.paramNames.forEach((name, i) => {
			const raw = match[i + 1]!;
			try {
				pathParams[name] = decodeURIComponent(raw);
			} catch {
				pathParams[name] = raw; // malformed %-escape: let validation judge the raw text
			}
		});
		return {route, pathParams};
	}
	return undefined;
}

export function schemaRoute(method: string, template: string): SchemaRoute | undefined {
	return schemaRoutes().find((r) => r.method === method && r.template === template);
}
