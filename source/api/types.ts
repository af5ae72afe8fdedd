// Shapes of the Proxmox VE API responses proxdeck reads, as Proxmox sends them
// (see ../shared/research/pve-api.md). Booleans are the integers 0/1; optional
// keys are absent rather than null. These are the wire types: services turn
// them into store rows, views never see them.

export type PveBool = 0 | 1;

export interface PveVersion {
	version: string;
	release: string;
	repoid: string;
	console?: string;
}

/** One entry of GET /cluster/status. */
export type ClusterStatusEntry =
	| {
			type: 'cluster';
			id: 'cluster';
			name: string;
			nodes: number;
			quorate: PveBool;
			version: number;
	  }
	| {
			type: 'node';
			id: string; // "node/pve1"
			name: string;
			nodeid: number;
			ip: string;
			local: PveBool;
			online: PveBool;
			level: string;
	  };

export type GuestStatus = 'running' | 'stopped' | 'paused' | 'suspended' | 'prelaunch' | 'unknown';

/** GET /cluster/resources entry of type lxc or qemu. */
export interface VmResource {
	id: string; // "lxc/101" | "qemu/100"
	type: 'lxc' | 'qemu';
	vmid: number;
	node: string;
	name?: string;
	status: GuestStatus | string;
	cpu?: number; // fraction of maxcpu
	maxcpu?: number;
	mem?: number; // bytes
	maxmem?: number;
	disk?: number;
	maxdisk?: number;
	netin?: number;
	netout?: number;
	diskread?: number;
	diskwrite?: number;
	uptime?: number; // seconds
	template?: PveBool;
	tags?: string; // ";"-separated
	lock?: string;
	hastate?: string;
	pool?: string;
}

/** GET /cluster/resources entry of type node. */
export interface NodeResource {
	id: string; // "node/pve1"
	type: 'node';
	node: string;
	status: 'online' | 'offline' | 'unknown';
	cpu?: number;
	maxcpu?: number;
	mem?: number;
	maxmem?: number;
	disk?: number;
	maxdisk?: number;
	uptime?: number;
	level?: string;
	'cgroup-mode'?: number;
}

/** GET /cluster/resources entry of type storage. */
export interface StorageResource {
	id: string; // "storage/pve1/local-zfs"
	type: 'storage';
	node: string;
	storage: string;
	status: 'available' | 'unknown' | string;
	plugintype?: string;
	content?: string;
	shared?: PveBool;
	disk?: number;
	maxdisk?: number;
}

export type ClusterResource = VmResource | NodeResource | StorageResource | {id: string; type: 'pool' | 'sdn'; [k: string]: unknown};

/** GET /nodes entry. */
export interface NodeListEntry {
	node: string;
	status: 'online' | 'offline' | 'unknown';
	cpu?: number;
	maxcpu?: number;
	mem?: number;
	maxmem?: number;
	uptime?: number;
	level?: string;
	ssl_fingerprint?: string;
	id?: string;
	type?: 'node';
	disk?: number;
	maxdisk?: number;
}

/**
 * GET /nodes/{node}/lxc/{vmid}/config. Keys like net0…net31, mp0…mp255,
 * unused0…, dev0… are dynamic, hence the index signature.
 */
export interface LxcConfig {
	arch?: string;
	hostname?: string;
	ostype?: string;
	memory?: number; // MiB
	swap?: number; // MiB
	cores?: number;
	cpulimit?: number;
	onboot?: PveBool;
	unprivileged?: PveBool;
	features?: string;
	tags?: string;
	startup?: string;
	rootfs?: string;
	nameserver?: string;
	searchdomain?: string;
	description?: string;
	lock?: string;
	template?: PveBool;
	lxc?: Array<[string, string]>;
	digest?: string;
	[key: string]: unknown;
}

/** GET /nodes/{node}/lxc/{vmid}/snapshot entry. */
export interface SnapshotEntry {
	name: string;
	description: string;
	snaptime?: number;
	parent?: string;
	running?: PveBool;
	digest?: string;
	snapstate?: string;
	/** VM snapshots only: 1 when the snapshot holds the RAM (a rollback resumes the VM from it). */
	vmstate?: PveBool;
}

/** What a UPID encodes (source/api/upid.ts); task lists and status repeat it as fields. */
export interface UpidFields {
	node: string;
	pid: number;
	/** Process start time in clock ticks. */
	pstart: number;
	/** Epoch seconds. */
	starttime: number;
	type: string;
	/** The vmid, or empty. */
	id: string;
	/** `user@realm` or `user@realm!tokenid`. */
	user: string;
}

/** Task list entry (GET /cluster/tasks, GET /nodes/{node}/tasks). */
export interface TaskEntry extends UpidFields {
	upid: string;
	tokenid?: string;
	endtime?: number;
	status?: string; // "OK", "RUNNING", error text
}

/** GET /nodes/{node}/tasks/{upid}/status. */
export interface TaskStatus extends UpidFields {
	upid: string;
	tokenid?: string;
	status: 'running' | 'stopped';
	exitstatus?: string;
}

export interface TaskLogLine {
	n: number;
	t: string;
}
