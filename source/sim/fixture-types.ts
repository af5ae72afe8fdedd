// The simulator's fixture format: one JSON document describing a Proxmox VE
// cluster (or a standalone node) as an admin would see it. Documented for users
// in fixtures/README.md; loaded and checked by source/sim/fixture.ts.
//
// Guest configs are written exactly as Proxmox stores them (the strings of
// /etc/pve/lxc/<vmid>.conf as the API returns them), so the simulator can serve
// them verbatim and proxdeck's parsers meet the real format.

export interface Fixture {
	/** Cluster name; absent for a standalone node (then /cluster/status lists only the node). */
	cluster?: {name: string; configVersion?: number};
	/** What GET /version answers. */
	version: {version: string; release: string; repoid: string};
	/** Seed for deterministic metric drift (CPU, memory, I/O counters). */
	seed: number;
	nodes: FixtureNode[];
	guests: FixtureGuest[];
	users: FixtureUser[];
	/** Extra roles beyond the built-in Proxmox roles (Administrator, PVEAuditor, PVEVMUser, PVEVMAdmin, NoAccess…). */
	roles?: Record<string, string[]>;
	/** HA groups/resources are declared on the guest (guest.ha). */
	/** Finished tasks to seed the task history with (e.g. last night's vzdump). */
	taskHistory?: FixtureTask[];
	/** Injected task failures: the next matching operation's task ends with `error` (documented in fixtures/README.md). */
	failures?: FixtureFailure[];
	/** Backup jobs (GET /cluster/backup) and the archives already on backup storages (documented in fixtures/README.md). */
	backups?: FixtureBackups;
}

/** A /cluster/backup job, in the shape Proxmox stores it in jobs.cfg (the API adds `next-run`). */
export interface FixtureBackupJob {
	id: string; // "backup-83831498-c631"
	schedule: string; // "02:00", "sat 15:00"
	storage: string;
	mode: 'snapshot' | 'suspend' | 'stop';
	enabled?: boolean;
	/** A comma list of vmids, or absent with `all`. */
	vmid?: string;
	all?: boolean;
	exclude?: string;
	node?: string;
	compress?: string;
	'notes-template'?: string;
	/** "keep-daily=7,keep-weekly=4" as in jobs.cfg; the API answers it as an object. */
	'prune-backups'?: string;
	mailnotification?: 'always' | 'failure';
	comment?: string;
	/** Seconds after simulator start of the next run (the API's `next-run` is start + this). */
	nextRunIn?: number;
}

/** One archive on a backup storage. */
export interface FixtureBackup {
	storage: string;
	/** The node whose (non-shared) storage holds it; for shared storages any node sees it. */
	node: string;
	vmid: number;
	/** Seconds before simulator start the backup was taken (its ctime). */
	ago: number;
	/** Bytes. */
	size: number;
	notes?: string;
	protected?: boolean;
	/** PBS only: the last verification state ("ok", "failed"). */
	verification?: 'ok' | 'failed';
}

/** Nightly archives for a list of guests: one per guest per day, `days` nights back, the newest `firstAgo` seconds before start. */
export interface FixtureNightly {
	storage: string;
	node: string;
	vmids: number[];
	days: number;
	firstAgo: number;
	notes?: string;
	verification?: 'ok' | 'failed';
}

export interface FixtureBackups {
	jobs?: FixtureBackupJob[];
	archives?: FixtureBackup[];
	nightly?: FixtureNightly[];
}

/** Operations whose task can be made to fail on purpose. */
export type FailureAction = 'start' | 'stop' | 'shutdown' | 'reboot' | 'snapshot' | 'rollback' | 'delsnapshot';

export interface FixtureFailure {
	vmid: number;
	action: FailureAction;
	/** The task's exit status (and `TASK ERROR: <error>` log line). */
	error: string;
	/** Fail this many times, then behave normally; absent = every time. */
	times?: number;
}

export interface FixtureNode {
	name: string;
	/** Cluster-network IP (GET /cluster/status `ip`). */
	ip: string;
	online: boolean;
	nodeid?: number;
	cpuinfo: {model: string; sockets: number; cores: number; cpus: number; mhz: string};
	/** Bytes. */
	memory: number;
	swap: number;
	rootfs: {total: number; used: number};
	/** Seconds since boot at simulator start. */
	uptime: number;
	kversion: string; // "Linux 6.14.8-2-pve #1 SMP PREEMPT_DYNAMIC PMX 6.14.8-2 (2025-07-22T10:04Z) x86_64"
	pveversion: string; // "pve-manager/9.1.5/80cf92a6"
	/** Host-level base CPU load (fraction) the drift moves around. */
	cpuBase?: number;
	/** GET /nodes/{node}/network entries, verbatim Proxmox shape (lo is never listed). */
	network: Array<Record<string, unknown> & {iface: string; type: string}>;
	storages: FixtureStorage[];
	zfs?: {pools: FixtureZpool[]; datasets: FixtureDataset[]};
	/** The host's own packages (documented in fixtures/README.md); absent = up to date, only the running kernel installed. */
	apt?: FixtureNodeApt;
}

/** One pending host package as GET /nodes/{node}/apt/update lists it (Proxmox's own capitalised keys). */
export interface FixtureAptPackage {
	Package: string;
	Title: string;
	Description: string;
	Origin: string;
	Section: string;
	Priority: string;
	Arch: string;
	OldVersion: string;
	Version: string;
}

export interface FixtureNodeApt {
	/** What `apt-get update` found upgradable (GET /nodes/{node}/apt/update). */
	pending?: FixtureAptPackage[];
	/** Kernel releases installed besides the running one ("6.14.11-1-pve"): a newer one means a reboot is pending. */
	kernels?: string[];
}

export interface FixtureStorage {
	storage: string; // "local-zfs"
	type: string; // "zfspool" | "dir" | "lvmthin" | "pbs" | "nfs" …
	content: string; // "rootdir,images"
	/** Bytes. */
	total: number;
	used: number;
	shared?: boolean;
	enabled?: boolean;
	active?: boolean;
	/** For zfspool storages: the dataset it allocates in (e.g. "rpool/data"). */
	pool?: string;
	/** For dir storages: the path. */
	path?: string;
	/** The storage's retention ("keep-daily=7,keep-weekly=4"); absent = keep-all, as in Proxmox. */
	'prune-backups'?: string;
	/** PBS storages: the datastore and server (storage.cfg `datastore`, `server`). */
	datastore?: string;
	server?: string;
}

export interface FixtureZpool {
	name: string;
	/** Bytes. */
	size: number;
	alloc: number;
	free: number;
	frag: number; // percent, integer
	dedup: number; // 1.00
	health: 'ONLINE' | 'DEGRADED' | 'FAULTED' | 'OFFLINE' | 'UNAVAIL' | 'REMOVED';
	/** vdev tree as in `zpool status` (name, state, read/write/cksum errors, children). */
	vdevs: FixtureVdev[];
	scan?: string;
	errors?: string;
	status?: string; // present only when unhealthy
	action?: string;
}

export interface FixtureVdev {
	name: string;
	state: string;
	read?: number;
	write?: number;
	cksum?: number;
	msg?: string;
	children?: FixtureVdev[];
}

export interface FixtureDataset {
	name: string; // "rpool/data/subvol-101-disk-0"
	type: 'filesystem' | 'volume';
	/** Bytes. */
	used: number;
	avail: number;
	refer: number;
	usedbysnapshots: number;
	compressratio: string; // "1.85" or "1.85x" (both forms exist in the wild)
	mountpoint: string; // "/rpool/data/subvol-101-disk-0", "-" for zvols, "none", "legacy"
	quota?: number;
}

export type GuestType = 'lxc' | 'qemu';

export interface FixtureGuest {
	vmid: number;
	type: GuestType;
	node: string;
	status: 'running' | 'stopped';
	/**
	 * The guest config exactly as GET …/lxc/{vmid}/config returns it, minus
	 * `digest` (computed by the simulator). For qemu, GET …/qemu/{vmid}/config.
	 */
	config: Record<string, string | number | Array<[string, string]>>;
	/** Resource usage the drift moves around; fractions of the configured maximum. */
	usage: {cpu: number; mem: number; disk: number; netRate?: number};
	/** Seconds since this guest started, at simulator start (0 when stopped). */
	uptime?: number;
	snapshots?: FixtureSnapshot[];
	/** HA resource (sid ct:<vmid>/vm:<vmid>): requested state and group. */
	ha?: {
		state: 'started' | 'stopped' | 'ignored' | 'disabled';
		group?: string;
		max_restart?: number;
		max_relocate?: number;
		/** The CRM's service state when it is not what the request implies: `error` (start/recovery failed) or `fence` (its node was lost). */
		crm?: 'error' | 'fence' | 'recovery' | 'freeze';
	};
	/** Resource pool membership (cluster/resources `pool`). */
	pool?: string;
	/** Package state inside a container (documented in fixtures/README.md); defaults are generated from ostype and the seed. */
	packages?: FixturePackages;
	/**
	 * VMs: the QEMU guest agent runs inside and reports these interfaces
	 * (…/agent/network-get-interfaces) while the VM runs. Absent: the agent is
	 * not running (Proxmox answers "QEMU guest agent is not running").
	 */
	guestAgent?: {interfaces: Array<{name: string; hwaddr: string; ips: string[]}>};
}

/** What can go wrong when a container is upgraded through `pct exec`. */
export type PackageFailure = 'dpkg-error' | 'hang' | 'break-service' | 'drop-channel' | 'index-error';

export interface FixturePackages {
	/** Pending upgrades: a count (picked from the distro's catalogue) or explicit entries; absent = a seeded default. */
	pending?: number | Array<{name: string; from: string; to: string}>;
	failure?: PackageFailure;
	/** Force (true) or suppress (false) the reboot-required flag after a successful upgrade; absent = set when libc/openssl/systemd-like packages change. */
	rebootRequired?: boolean;
	/** Simulated seconds a full upgrade of this container takes (spread over its packages); absent = per-package timing. */
	upgradeSeconds?: number;
}

export interface FixtureSnapshot {
	name: string;
	description?: string;
	/** Epoch seconds, or negative: seconds before simulator start. */
	snaptime: number;
	parent?: string;
}

export interface FixtureUser {
	userid: string; // "root@pam"
	/** Simulator-only demo password (fixtures are public: never a real one). */
	password?: string;
	enable?: boolean;
	/** ACL entries for this user: path + role, propagate default true. */
	acl: FixtureAcl[];
	tokens?: FixtureToken[];
	/** Second factors (Proxmox's /etc/pve/priv/tfa.cfg): the password login then answers NeedTFA. */
	tfa?: FixtureTfa;
}

export interface FixtureTfa {
	/** A TOTP entry's secret, base32 as in the otpauth:// URI (fixtures are public: demo only). */
	totp?: string;
	/** Unused recovery keys ("1a2b-3c4d-5e6f-7a8b"); each works once. */
	recovery?: string[];
	/** A WebAuthn credential is registered (a terminal cannot answer it). */
	webauthn?: boolean;
}

export interface FixtureToken {
	tokenid: string; // the part after "!"
	/** UUID secret (fixtures are public: demo only). */
	secret: string;
	/** Privilege separation: effective rights = user ACL ∩ token ACL. Default true as in Proxmox. */
	privsep?: boolean;
	acl?: FixtureAcl[];
	expire?: number;
}

export interface FixtureAcl {
	path: string; // "/", "/vms/101", "/nodes/pve", "/storage/local-zfs"
	role: string;
	propagate?: boolean;
}

export interface FixtureTask {
	type: string; // "vzdump", "vzsnapshot", "vzstart" …
	id: string; // vmid or "" 
	node: string;
	user: string;
	/** Seconds before simulator start. */
	startedAgo: number;
	duration: number;
	status: string; // "OK", "WARNINGS: 1", or an error text
	log: string[];
}
