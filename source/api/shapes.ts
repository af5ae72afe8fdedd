// What an answer must look like before anything above the client sees it.
// A host (or whatever answers in its place) can send any JSON: a list of
// nulls, a number where a vmid belongs, a 50 MB name. Each route the services
// read has a check here; an answer that fails it is refused as a whole with
// one line naming the first bad entry, so the console shows the last good data
// as stale instead of an empty or half-read fleet. Entry types we do not use
// (Proxmox adds new ones: sdn, network, pool…) are dropped, not refused.
//
// Every string in every answer is cut to FIELD_LIMIT characters (with "…")
// and nesting is bounded, whatever the route.

/** Longest string kept from an answer: PVE's own longest field (a guest description) is 8 KiB. */
export const FIELD_LIMIT = 8192;
/** Deepest nesting accepted; real answers are three levels deep at most. */
export const DEPTH_LIMIT = 32;
export const TRUNCATION_MARK = '…';

/** The answer does not have the documented shape; `message` says where, without the route. */
export class ShapeError extends Error {
	override readonly name = 'ShapeError';
}

type Rec = Record<string, unknown>;
type Check = (data: unknown) => unknown;

const isRecord = (value: unknown): value is Rec => typeof value === 'object' && value !== null && !Array.isArray(value);
const describe = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : typeof value === 'string' ? 'a string' : `a ${typeof value}`);

function object(data: unknown): Rec {
	if (!isRecord(data)) throw new ShapeError(`expected an object, got ${describe(data)}`);
	return data;
}

function list(data: unknown): unknown[] {
	if (!Array.isArray(data)) throw new ShapeError(`expected a list, got ${describe(data)}`);
	return data;
}

/** Field checks of one entry: 'string' / 'integer' / 'number', a trailing '?' when optional. */
type FieldSpec = Record<string, `${'string' | 'integer' | 'number'}${'' | '?'}`>;

interface CompiledField {
	key: string;
	kind: 'string' | 'integer' | 'number';
	optional: boolean;
}

interface CompiledSpec {
	fields: CompiledField[];
	/**
	 * Whether every field is as the spec says: one function per spec that reads
	 * each field by its name. The loop in fieldProblem reads entry[key] with a
	 * key that changes every turn, a megamorphic access: over a 10,000-guest
	 * /cluster/resources (22 fields each) that was ~5 ms of every poll (issue
	 * 12). The loop now only runs to name the first bad field.
	 */
	allOk: (entry: Rec) => boolean;
}

/** Specs parsed once: the check runs on every entry of a 10,000-guest /cluster/resources every poll. */
type Compiled = WeakMap<FieldSpec, CompiledSpec>;
const compiled: Compiled = new WeakMap();
/**
 * The same specs compiled again for /cluster/resources read whole (the
 * console's first read, cli/first-answer.ts), whose entries come in the
 * host's random key orders: a hundred hidden classes. An allOk that saw them
 * reads every field megamorphically for good, and each number it reads from
 * an entry becomes a new heap number: 5 MB a poll at 10,000 guests when the
 * polls' checks shared it (issue 12). Entries read entry by entry come in one
 * key order (flat-entry.ts) and keep their own, monomorphic allOk.
 */
const compiledForWhole: Compiled = new WeakMap();

function compile(spec: FieldSpec, cache: Compiled = compiled): CompiledSpec {
	let known = cache.get(spec);
	if (!known) {
		const fields = Object.entries(spec).map(([key, want]) => ({key, kind: want.replace(/\?$/, '') as CompiledField['kind'], optional: want.endsWith('?')}));
		known = {fields, allOk: allOkFunction(fields)};
		cache.set(spec, known);
	}
	return known;
}

/** The test fieldProblem makes, as one expression per field. Keys are the specs' own (written here), as JSON string literals. */
function allOkFunction(fields: readonly CompiledField[]): (entry: Rec) => boolean {
	const tests = fields.map(({key, kind, optional}) => {
		const value = `e[${JSON.stringify(key)}]`;
		const ok = kind === 'string' ? `typeof ${value} === "string"` : kind === 'integer' ? `Number.isSafeInteger(${value})` : `(typeof ${value} === "number" && Number.isFinite(${value}))`;
		return optional ? `(${value} === undefined || ${ok})` : ok;
	});
	// eslint-disable-next-line @typescript-eslint/no-implied-eval -- keys as JSON literals, see above
	return new Function('e', `return ${tests.length > 0 ? tests.join(' && ') : 'true'};`) as (entry: Rec) => boolean;
}

function fieldProblem(entry: Rec, spec: FieldSpec, cache?: Compiled): string | undefined {
	const {fields, allOk} = compile(spec, cache);
	if (allOk(entry)) return undefined;
	for (const {key, kind, optional} of fields) {
		const value = entry[key];
		if (value === undefined) {
			if (optional) continue;
			return `has no ${key}`;
		}
		const ok = kind === 'string' ? typeof value === 'string' : kind === 'integer' ? Number.isSafeInteger(value) : typeof value === 'number' && Number.isFinite(value);
		if (!ok) return `${key} is ${describe(value)}, not ${kind === 'integer' ? 'an integer' : `a ${kind}`}`;
	}
	return undefined;
}

/** A list whose entries are objects matching `spec`. */
function listOf(spec: FieldSpec): Check {
	return (data) =>
		list(data).map((entry, i) => {
			if (!isRecord(entry)) throw new ShapeError(`entry ${i} is ${describe(entry)}, not an object`);
			const problem = fieldProblem(entry, spec);
			if (problem) throw new ShapeError(`entry ${i} ${problem}`);
			return entry;
		});
}

function objectOf(spec: FieldSpec): Check {
	return (data) => {
		const entry = object(data);
		const problem = fieldProblem(entry, spec);
		if (problem) throw new ShapeError(`the answer ${problem}`);
		return entry;
	};
}

const USAGE: FieldSpec = {cpu: 'number?', maxcpu: 'number?', mem: 'number?', maxmem: 'number?', disk: 'number?', maxdisk: 'number?', uptime: 'number?'};
const GUEST: FieldSpec = {
	id: 'string', vmid: 'integer', node: 'string', name: 'string?', status: 'string?', ...USAGE,
	netin: 'number?', netout: 'number?', diskread: 'number?', diskwrite: 'number?', template: 'integer?',
	tags: 'string?', lock: 'string?', hastate: 'string?', pool: 'string?',
};
/** /cluster/resources entry types the services read; the rest are dropped. */
const RESOURCE_TYPES: Record<string, FieldSpec> = {
	lxc: GUEST,
	qemu: GUEST,
	node: {id: 'string', node: 'string', status: 'string?', ...USAGE},
	storage: {id: 'string', node: 'string', storage: 'string', status: 'string?', disk: 'number?', maxdisk: 'number?'},
};

/** One /cluster/resources entry: kept (returned), dropped (an entry type not read: undefined) or refused (throws). */
function clusterResource(entry: unknown, i: number, cache?: Compiled): Rec | undefined {
	if (!isRecord(entry)) throw new ShapeError(`entry ${i} is ${describe(entry)}, not an object`);
	if (typeof entry.type !== 'string') throw new ShapeError(`entry ${i} has no type`);
	const spec = RESOURCE_TYPES[entry.type];
	if (!spec) return undefined;
	const problem = fieldProblem(entry, spec, cache);
	if (problem) throw new ShapeError(`entry ${i} (${entry.type.slice(0, 16)}) ${problem}`);
	return entry;
}

function clusterResources(data: unknown): unknown {
	const kept: Rec[] = [];
	list(data).forEach((entry, i) => {
		const checked = clusterResource(entry, i, compiledForWhole);
		if (checked) kept.push(checked);
	});
	return kept;
}

/** One spec object for every read: specs are compiled once each (compile, keyed by the object). */
const CLUSTER_STATUS_ENTRY: FieldSpec = {type: 'string', name: 'string?', ip: 'string?', online: 'integer?', quorate: 'integer?'};

function clusterStatus(data: unknown): unknown {
	return list(data).map((entry, i) => {
		if (!isRecord(entry)) throw new ShapeError(`entry ${i} is ${describe(entry)}, not an object`);
		const problem = fieldProblem(entry, CLUSTER_STATUS_ENTRY);
		if (problem) throw new ShapeError(`entry ${i} ${problem}`);
		return entry;
	});
}

function stringList(data: unknown): unknown {
	return list(data).map((line, i) => {
		if (typeof line !== 'string') throw new ShapeError(`line ${i} is ${describe(line)}, not a string`);
		return line;
	});
}

const SEG = '[^/]+';
const GUEST_BASE = `/nodes/${SEG}/(?:lxc|qemu)/${SEG}`;
const TASK_BASE = `/nodes/${SEG}/tasks/${SEG}`;

/** GET routes the services read, by path (without /api2/json and query). */
const ROUTES: Array<[RegExp, Check]> = [
	[/^\/version$/, objectOf({version: 'string'})],
	[/^\/cluster\/status$/, clusterStatus],
	[/^\/cluster\/resources$/, clusterResources],
	[/^\/cluster\/tasks$/, listOf({upid: 'string', node: 'string?', type: 'string?', status: 'string?', starttime: 'number?', endtime: 'number?'})],
	[/^\/nodes$/, listOf({node: 'string', status: 'string?'})],
	[new RegExp(`^${GUEST_BASE}/config$`), objectOf({description: 'string?', hostname: 'string?', ostype: 'string?'})],
	[new RegExp(`^${GUEST_BASE}/snapshot$`), listOf({name: 'string', description: 'string?', parent: 'string?', snaptime: 'number?'})],
	[new RegExp(`^${GUEST_BASE}/status/current$`), objectOf({status: 'string?'})],
	[new RegExp(`^/nodes/${SEG}/tasks$`), listOf({upid: 'string'})],
	[new RegExp(`^${TASK_BASE}/status$`), objectOf({status: 'string', exitstatus: 'string?'})],
	[new RegExp(`^${TASK_BASE}/log$`), listOf({n: 'integer', t: 'string'})],
	[new RegExp(`^/nodes/${SEG}/network$`), listOf({iface: 'string', type: 'string?'})],
	[new RegExp(`^/nodes/${SEG}/storage$`), listOf({storage: 'string', type: 'string?'})],
	[new RegExp(`^/nodes/${SEG}/disks/zfs$`), listOf({name: 'string'})],
	[new RegExp(`^/nodes/${SEG}/disks/zfs/${SEG}$`), objectOf({name: 'string?'})],
	[new RegExp(`^/nodes/${SEG}/journal$`), stringList],
	[/^\/access\/permissions$/, object],
];

/** `text` cut to FIELD_LIMIT characters, the cut marked. */
export function cut(text: string): string {
	return text.length <= FIELD_LIMIT ? text : text.slice(0, FIELD_LIMIT - TRUNCATION_MARK.length) + TRUNCATION_MARK;
}

/** An own property even for `__proto__` (as JSON.parse makes it), never the prototype. */
function own(target: Rec, key: string, value: unknown): void {
	Object.defineProperty(target, key, {value, enumerable: true, writable: true, configurable: true});
}

/** Copies `data` with every string (keys too) cut to FIELD_LIMIT; refuses nesting deeper than DEPTH_LIMIT. */
export function boundStrings(data: unknown, depth = 0): unknown {
	if (typeof data === 'string') return cut(data);
	if (typeof data !== 'object' || data === null) return data;
	if (depth >= DEPTH_LIMIT) throw new ShapeError(`nested deeper than ${DEPTH_LIMIT} levels`);
	if (Array.isArray(data)) {
		let copy: unknown[] | undefined;
		for (let i = 0; i < data.length; i++) {
			const bounded = boundStrings(data[i], depth + 1);
			if (bounded !== data[i]) (copy ??= data.slice())[i] = bounded;
		}
		return copy ?? data;
	}
	// Copied only when something was cut (almost never): no per-object allocation otherwise.
	const record = data as Rec;
	let copy: Rec | undefined;
	// for…in over own keys, not Object.keys: that made an array per object per poll
	// (16 MB a minute at 10,000 guests, issue 12).
	for (const key in record) {
		if (!Object.hasOwn(record, key)) continue;
		const value = record[key];
		const bounded = boundStrings(value, depth + 1);
		const boundedKey = key.length <= FIELD_LIMIT ? key : cut(key);
		if (copy === undefined && (bounded !== value || boundedKey !== key)) {
			copy = {};
			for (const earlier of Object.keys(record)) {
				if (earlier === key) break;
				own(copy, earlier, record[earlier]);
			}
		}
		if (copy !== undefined) own(copy, boundedKey, bounded);
	}
	return copy ?? data;
}

/**
 * The answer to `method path` with strings bounded and, for a route the
 * services read, its shape checked (unknown entry types dropped).
 * Throws ShapeError.
 */
export function checkAnswer(method: string, path: string, data: unknown): unknown {
	const bounded = boundStrings(data);
	const route = method === 'GET' ? ROUTES.find(([pattern]) => pattern.test(path)) : undefined;
	return route ? route[1](bounded) : bounded;
}

/** List routes whose entries can be checked one at a time, as checkAnswer checks the whole list. */
const ENTRY_ROUTES: Array<[RegExp, (entry: unknown, index: number) => Rec | undefined]> = [[/^\/cluster\/resources$/, clusterResource]];

/**
 * The per-entry form of checkAnswer for a list route read entry by entry
 * (transport's eachEntry): an entry's shape checked, undefined for an entry
 * type that is dropped. Throws ShapeError. Undefined for a route without one.
 * The entry's strings are already bounded: the transport reads entries with
 * parseEntry (flat-entry.ts), which cuts them as boundStrings does. Walking
 * each entry again here was ~8 ms a poll at 10,000 guests (issue 12).
 */
export function entryCheck(method: string, path: string): ((entry: unknown, index: number) => Rec | undefined) | undefined {
	const route = method === 'GET' ? ENTRY_ROUTES.find(([pattern]) => pattern.test(path)) : undefined;
	return route?.[1];
}
