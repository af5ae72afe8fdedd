// The store's shape: what services write and views read. Services (source/services)
// turn API answers into these plain rows and call the actions; views select slices.
// Nothing here touches the network.

import type {LxcConfig, SnapshotEntry} from '../api/types.js';
import type {OpsActions, OpsState} from './ops-types.js';
import type {Screen, ScreenActions, ScreenState, VmidFilter} from './screen-types.js';
import type {DeckActions, DeckSliceState} from './deck-types.js';
import type {LogsActions, LogsSliceState} from './logs-types.js';
import type {ProblemsActions, ProblemsSliceState} from './problems-slice.js';
import type {BackupsActions, BackupsSliceState} from './backups-slice.js';
import type {NodesActions, NodesSliceState} from './nodes-slice.js';
import type {ReadAfterAction} from './after-action.js';

export type GuestKind = 'lxc' | 'qemu';

/** One NIC of a guest, parsed from its `netN` config string. */
export interface GuestNic {
	id: string; // "net0"
	name?: string; // "eth0"
	bridge?: string; // "vmbr1"
	ip?: string; // "10.10.10.5/24" | "dhcp" | "manual"
	gw?: string;
	ip6?: string;
	tag?: number;
	firewall: boolean;
	hwaddr?: string;
	linkDown: boolean;
}

/**
 * One fleet row: a guest as of the last /cluster/resources poll.
 *
 * A row is a new object when anything but its figures changes (name, node,
 * status, limits, tags, lock…). Its figures — `cpu`, `mem`, `disk`,
 * `uptime`, `netin`, `netout` (FIGURE_FIELDS, guest-figures.ts) — change
 * every pvestatd cycle for every running guest, and the store writes them
 * into the row it holds (fleetReceived), then hands out a new `guests` Map
 * and bumps `figuresSeq`. So what is keyed on the Map sees new figures, and a
 * view memoised on a row object that draws its figures must also take
 * `figuresSeq` (FleetRow; DetailPanel draws none). Why in place: a new row per guest per poll, kept until the
 * next, was ~3 MB per poll promoted to V8's old generation at 10,000 guests
 * — most of the idle CPU's garbage collection (issue 12).
 */
export interface GuestRow {
	vmid: number;
	kind: GuestKind;
	name: string;
	node: string;
	status: string; // running | stopped | paused | unknown …
	cpu: number; // fraction of maxcpu, 0..1
	maxcpu: number;
	mem: number; // bytes
	maxmem: number;
	disk: number;
	maxdisk: number;
	uptime: number; // seconds
	netin: number;
	netout: number;
	tags: readonly string[];
	lock?: string;
	hastate?: string;
	pool?: string;
	template: boolean;
	/**
	 * Set while the guest's node is offline (status `unknown`): its state when
	 * last seen, and when. The usage columns then hold those last known values
	 * (drawn dimmed); absent when proxdeck never saw it on a live node.
	 */
	lastKnown?: {status: string; at: number};
}

export interface NodeSummary {
	name: string;
	status: 'online' | 'offline' | 'unknown';
	cpu: number;
	maxcpu: number;
	mem: number;
	maxmem: number;
	uptime: number;
}

/** What one successful fleet poll yields. */
export interface FleetSnapshot {
	guests: GuestRow[];
	nodes: NodeSummary[];
	clusterName?: string;
	quorate?: boolean;
	pveVersion?: string; // "9.1.5"
	receivedAt: number; // epoch ms
	/**
	 * The guests' figures, FIGURES_PER_GUEST per guest in `guests`' order
	 * (guest-figures.ts), when the rows are a reader's own (fleet-mapping.ts):
	 * a row it kept from the last poll still holds that poll's figures, and
	 * the store writes these into it. Without it, each row carries its own.
	 */
	figures?: Float64Array;
	/** Set when the fleet is so large that it is read less often than the configured refresh (fleet-pace.ts). */
	readEveryMs?: number;
}

export type ConnectionStatus = 'connecting' | 'ok' | 'stale' | 'failed';

export interface ConnectionState {
	status: ConnectionStatus;
	/** Host label for the header ("DEMO simulator" or "pve.example:8006"). */
	target: string;
	lastOkAt?: number;
	lastError?: string;
	consecutiveFailures: number;
	/** The fleet's stretched read interval, for the header (FleetSnapshot.readEveryMs). */
	readEveryMs?: number;
}

/** What a VM's QEMU guest agent reports about its addresses: the interfaces, or why there is no answer. */
export type GuestAgentView = {state: 'ok'; interfaces: Array<{name: string; ips: string[]}>} | {state: 'none'; reason: string};

/** The selected guest's detail, fetched only for that guest. */
export interface GuestDetail {
	vmid: number;
	config?: LxcConfig;
	snapshots?: SnapshotEntry[];
	/** VMs only: the guest agent's addresses (a VM's config holds no IP). */
	agent?: GuestAgentView;
	loading: boolean;
	error?: string;
	fetchedAt?: number;
}

export type SortKey =
	| 'vmid'
	| 'name'
	| 'node'
	| 'status'
	| 'cpu'
	| 'mem'
	| 'disk'
	| 'uptime'
	| 'net'
	| 'tags'
	| 'lock'
	| 'backup'
	| 'ha';

export type Overlay = 'none' | 'help' | 'detail';

export interface UiState {
	sortKey: SortKey;
	sortDesc: boolean;
	/** Committed filter text (case-insensitive substring over name, vmid, node, tags, ip, status). */
	filter: string;
	/** Non-null while the `/` prompt is open: the text being typed. */
	filterDraft: string | null;
	selectedVmid?: number;
	/** Index of the first visible row in the filtered, sorted list. */
	scrollTop: number;
	/** How many table rows fit on screen (set by the view from the terminal size). */
	viewportRows: number;
	overlay: Overlay;
	/** The main screen under the header (screen-types.ts). */
	screen: Screen;
	/** Non-null while the `:` command prompt is open: the text being typed. */
	commandDraft: string | null;
	/** One line shown in the footer until the next key (an unknown `:` command). */
	commandNotice?: string;
	/** The fleet shows only these guests (enter on a bridge/gateway in the topology); Esc clears it. */
	vmidFilter?: VmidFilter;
}

export interface Badges {
	demo: boolean;
	readOnly: boolean;
	/** TLS certificate not checked (--insecure): shown first, in red, so no width hides it. */
	insecure: boolean;
}

/** OpsState (ops-types.ts): marks, dialog, tasks, notice, audit, permissions, pane. */
export interface AppState extends OpsState, ScreenState, LogsSliceState, ProblemsSliceState, DeckSliceState, BackupsSliceState, NodesSliceState {
	connection: ConnectionState;
	badges: Badges;
	/** Latest fleet poll; guests keyed by vmid for stable identity across refreshes. */
	guests: Map<number, GuestRow>;
	/** Counts the polls that moved a guest's figures in place (GuestRow): a view memoised on a row that draws its figures takes it too. */
	figuresSeq: number;
	nodes: NodeSummary[];
	clusterName?: string;
	quorate?: boolean;
	pveVersion?: string;
	/** NICs per vmid from guest configs (config inventory service). */
	nics: Map<number, GuestNic[]>;
	detail?: GuestDetail;
	ui: UiState;
	actions: AppActions;
}

export interface AppActions extends OpsActions, ScreenActions, LogsActions, ProblemsActions, DeckActions, BackupsActions, NodesActions {
	// written by services
	fleetReceived(snapshot: FleetSnapshot): void;
	pollFailed(message: string, at: number): void;
	/** A guest's status/current read when this console's action on it ended: shown until the fleet poll catches up (after-action.ts). */
	guestReadAfterAction(vmid: number, read: ReadAfterAction, at: number): void;
	/** The API client moved to another endpoint of the cluster (failover): the header names it, a notice says why. */
	endpointChanged(target: string, notice: string): void;
	nicsReceived(vmid: number, nics: GuestNic[]): void;
	/** Several guests' NICs in one store change (a service's batch of config reads). */
	nicsReceivedMany(entries: ReadonlyArray<readonly [number, GuestNic[]]>): void;
	detailLoading(vmid: number): void;
	detailReceived(vmid: number, config: LxcConfig, snapshots: SnapshotEntry[] | undefined, at: number, agent?: GuestAgentView): void;
	detailFailed(vmid: number, message: string): void;
	// written by views (keys)
	moveSelection(delta: number): void;
	selectFirst(): void;
	selectLast(): void;
	pageDown(): void;
	pageUp(): void;
	setViewportRows(rows: number): void;
	setSort(key: SortKey): void; // same key again flips direction
	openFilter(): void;
	editFilter(draft: string): void;
	commitFilter(): void;
	cancelFilter(): void; // Esc: closes the prompt; Esc again with no prompt clears the filter
	clearFilter(): void;
	setOverlay(overlay: Overlay): void;
}
