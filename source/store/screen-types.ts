// State of the screens beyond the fleet table: which main screen is shown,
// the `:` command prompt, and the data of the topology and ZFS screens.
// Written by the topology and ZFS services and by keys; read by the views.

import type {ZfsDataset, ZfsSnapshot} from '../services/zfs/parse-zfs-list.js';
import type {GuestNic} from './types.js';

/** The kind of the focused deck pane (deck-types.ts): the key scope follows it. */
export type Screen = 'fleet' | 'topology' | 'zfs' | 'logs' | 'upgrade' | 'tasks' | 'problems' | 'backups' | 'nodes';

/** A fleet filter by vmid set (enter on a bridge or gateway in the topology). */
export interface VmidFilter {
	/** What the fleet title shows: "bridge pve/vmbr1". */
	label: string;
	vmids: ReadonlySet<number>;
}

/** One entry of GET /nodes/{node}/network, the fields the topology reads (0/1 booleans as sent). */
export interface NetworkIface {
	iface: string;
	type: string; // bridge | OVSBridge | bond | eth | vlan | alias …
	active?: number;
	autostart?: number;
	address?: string;
	cidr?: string;
	gateway?: string;
	bridge_ports?: string;
	bridge_vlan_aware?: number;
	slaves?: string;
	comments?: string;
	[key: string]: unknown;
}

export interface TopologyState {
	/** Network config per node; a node missing here was not read (offline, refused). */
	networks: Map<string, NetworkIface[]>;
	/** Why a node's network could not be read. */
	networkErrors: Map<string, string>;
	/** Guest config reads while the screen fills in NICs the fleet has not read yet. */
	progress?: {done: number; total: number};
	fetchedAt?: number;
	/** Index of the highlighted tree line. */
	cursor: number;
}

export type ZfsSort = 'used' | 'snapshots' | 'growth';

export interface ZfsPoolRow {
	node: string;
	name: string;
	size: number;
	alloc: number;
	free: number;
	frag: number; // percent
	dedup: number;
	health: string;
	/** Leaf devices not ONLINE, from the pool's detail tree or `zpool status`. */
	faulted: Array<{name: string; state: string; msg: string; read: number; write: number; cksum: number}>;
	status?: string;
}

export interface ZfsDatasetRow extends ZfsDataset {
	node: string;
}

export interface ZfsSnapshotRow extends ZfsSnapshot {
	node: string;
}

/** GET /nodes/{node}/storage, the fallback when datasets cannot be listed. */
export interface StorageUsageRow {
	node: string;
	storage: string;
	type: string;
	used: number;
	total: number;
	active: boolean;
	/** One storage for every node (NFS, PBS…): the problem rules count it once. */
	shared?: boolean;
}

/** A zfspool storage of storage.cfg (GET /storage?type=zfspool): the dataset it allocates in, and where. */
export interface ZfsStorageConfig {
	storage: string;
	/** The dataset: "tank", "rpool/data". */
	pool: string;
	/** The nodes it is restricted to; absent: every node. */
	nodes?: string[];
	disabled?: boolean;
}

/** One refresh of the ZFS screen, as the service hands it to the store. */
export interface ZfsSample {
	/** Where datasets came from: over SSH, or not at all (API storage usage instead). */
	source: 'ssh' | 'api';
	sshLabel?: string;
	pools: ZfsPoolRow[];
	datasets: ZfsDatasetRow[];
	snapshots: ZfsSnapshotRow[];
	storages: StorageUsageRow[];
	/** Parse notes and per-node errors, one line each. */
	notes: string[];
	at: number;
	/** When each node's pools were read (a load re-reads a few nodes, zfs-service.ts); absent: all at `at`. */
	poolsReadAt?: ReadonlyMap<string, number>;
	/** Which storages allocate in which pool (storage.cfg); absent: not read (no Datastore.Audit, or it failed). */
	zfsStorages?: ZfsStorageConfig[];
}

export interface ZfsState {
	loading: boolean;
	sample?: ZfsSample;
	/** `node:dataset` → used bytes at the sample before the current one (growth). */
	previousUsed: Map<string, number>;
	previousAt?: number;
	error?: string;
	sort: ZfsSort;
	cursor: number;
}

export interface ScreenState {
	topology: TopologyState;
	zfs: ZfsState;
}

export interface ScreenActions {
	/** Focuses the deck pane of this kind and zooms it to the whole body (the old 1–5 screens). */
	setScreen(screen: Screen): void;
	openCommand(): void;
	editCommand(draft: string): void;
	cancelCommand(): void;
	/** Closes the prompt and returns what was typed (the caller runs it). */
	commitCommand(): string;
	/** A one-line message in the footer until the next key (unknown command …). */
	setCommandNotice(text: string | undefined): void;
	/** Shows the fleet filtered to these guests (Esc in the fleet clears it). */
	filterFleetTo(filter: VmidFilter): void;
	// written by the topology service
	topologyNetworks(networks: Map<string, NetworkIface[]>, errors: Map<string, string>, at: number): void;
	topologyNics(entries: Array<[number, GuestNic[]]>, progress: {done: number; total: number} | undefined): void;
	topologyMove(delta: number, lineCount: number): void;
	// written by the ZFS service
	zfsLoading(): void;
	zfsReceived(sample: ZfsSample): void;
	zfsFailed(message: string): void;
	zfsSort(sort: ZfsSort): void;
	zfsMove(delta: number, rowCount: number): void;
}
