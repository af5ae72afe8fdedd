// Parameter verification with pve-common's JSONSchema wording. Values arrive
// as strings (query string / form body; JSON bodies are stringified first,
// true/false becoming 1/0), exactly what PVE's check_type sees.

import type {ParamSchema} from './schema.js';

export type ParamErrors = Record<string, string>;

const FORMATS: Record<string, (v: string) => string | undefined> = {
	'pve-node': (v) => (/^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/.test(v) ? undefined : `value does not look like a valid node name`),
	'pve-vmid': (v) => (/^[1-9][0-9]{2,8}$/.test(v) ? undefined : `value does not look like a valid VM ID`),
	'pve-configid': (v) => (/^[a-z][a-z0-9_-]+$/i.test(v) ? undefined : `invalid configuration ID '${v}'`),
	'pve-storage-id': (v) => (/^[a-z][a-z0-9\-_.]*[a-z0-9]$/i.test(v) ? undefined : `storage ID '${v}' contains illegal characters`),
	'pve-tag-list': (v) => (v.split(/[;, ]/).filter(Boolean).every((t) => /^[a-z0-9_][a-z0-9_\-+.]*$/i.test(t)) ? undefined : `invalid tag list '${v}'`),
	ipv4: (v) => (isIpv4(v) ? undefined : `value does not look like a valid IPv4 address`),
	CIDR: (v) => (isCidr(v) ? undefined : `value does not look like a valid CIDR network`),
	cidr: (v) => (isCidr(v) ? undefined : `value does not look like a valid CIDR network`),
};

function isIpv4(v: string): boolean {
	const parts = v.split('.');
	return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

function isCidr(v: string): boolean {
	const [addr, mask, ...rest] = v.split('/');
	if (rest.length > 0 || addr === undefined || mask === undefined || !/^\d{1,3}$/.test(mask)) return false;
	if (isIpv4(addr)) return Number(mask) <= 32;
	return addr.includes(':') && /^[0-9a-fA-F:.]+$/.test(addr) && Number(mask) <= 128;
}

/** Perl regex → JS: `(?^:…)` / `(?^i:…)` groups; anchored as pve-common does (`m/^$pattern$/`). */
function compilePattern(pattern: string): RegExp | undefined {
	const js = pattern.replace(/\(\?\^[a-z]*:/g, '(?:');
	try {
		return new RegExp(`^(?:${js})$`, /\(\?\^[a-z]*i[a-z]*:/.test(pattern) ? 'i' : '');
	} catch {
		return undefined; // a construct JS cannot express: accept rather than refuse wrongly
	}
}

function typeError(type: string, value: string): string | undefined {
	const bad = `type check ('${type}') failed - got '${value}'`;
	if (type === 'integer') return /^-?\d+$/.test(value) ? undefined : bad;
	if (type === 'number') return /^[+-]?(\d+\.\d*|\d*\.\d+|\d+)([eE][+-]?\d+)?$/.test(value) ? undefined : bad;
	if (type === 'boolean') return value === '0' || value === '1' ? undefined : bad;
	return undefined;
}

/** Checks in pve-common check_prop's order: type, format, pattern, lengths, range, enum. */
function checkValue(value: string, schema: ParamSchema): string | undefined {
	const type = schema.type ?? 'string';
	const bad = typeError(type, value);
	if (bad) return bad;
	if (typeof schema.format === 'string') {
		const check = FORMATS[schema.format];
		const err = check?.(value);
		// The format verifiers `die "...\n"` and check_prop adds `invalid format - $@`, newline included.
		if (err) return `invalid format - ${err}\n`;
	}
	if (schema.pattern) {
		const re = compilePattern(schema.pattern);
		if (re && !re.test(value)) return 'value does not match the regex pattern';
	}
	if (schema.minLength !== undefined && value.length < schema.minLength) return `value must be at least ${schema.minLength} characters long`;
	if (schema.maxLength !== undefined && value.length > schema.maxLength) return `value may only be ${schema.maxLength} characters long`;
	if (type === 'integer' || type === 'number') {
		if (schema.minimum !== undefined && Number(value) < Number(schema.minimum)) return `value must have a minimum value of ${schema.minimum}`;
		if (schema.maximum !== undefined && Number(value) > Number(schema.maximum)) return `value must have a maximum value of ${schema.maximum}`;
	}
	if (schema.enum && !schema.enum.includes(value)) return `value '${value}' does not have a value in the enumeration '${schema.enum.join(', ')}'`;
	return undefined;
}

/** `net[n]`-style keys: the schema declares `net[n]` once for net0, net1, … */
export function lookupProperty(properties: Record<string, ParamSchema>, key: string): ParamSchema | undefined {
	if (Object.hasOwn(properties, key)) return properties[key];
	const m = /^([a-z_]+)(\d+)$/i.exec(key);
	return m ? properties[`${m[1]}[n]`] : undefined;
}

export function validateParams(params: Record<string, string>, schema: ParamSchema | undefined): ParamErrors {
	const errors: ParamErrors = {};
	const properties = schema?.properties ?? {};
	for (const [name, prop] of Object.entries(properties)) {
		if (name.endsWith('[n]')) continue;
		if (params[name] === undefined && !prop.optional) errors[name] = 'property is missing and it is not optional';
	}
	for (const [key, value] of Object.entries(params)) {
		const prop = lookupProperty(properties, key);
		if (!prop) {
			if (schema?.additionalProperties === 0 || schema?.additionalProperties === false || schema?.additionalProperties === undefined) {
				errors[key] = 'property is not defined in schema and the schema does not allow additional properties';
			}
			continue;
		}
		const err = checkValue(value, prop);
		if (err) errors[key] = err;
	}
	return errors;
}
