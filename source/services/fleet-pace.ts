// How often the fleet is read. /cluster/resources is one answer for the whole
// cluster: ~400 bytes per guest, all of it read, parsed, checked and merged on
// every poll. At 28 guests that is a millisecond; at 10,000 guests (4 MB) it
// is ~100 ms of CPU per poll (bench/fleet.ts), and every poll brings changed
// figures, because each node's pvestatd broadcasts on its own 10 s cycle and
// Proxmox orders an answer's keys anew each time. Read every 2 s, such a fleet
// would keep a core several per cent busy with nothing the admin sees.
//
// So the configured refresh is the shortest interval, and a large fleet is
// read one millisecond apart per entry (at ~10 µs of CPU per entry that is
// 1 % of a core), up to STRETCH_LIMIT_MS: below the header's "live" mark
// (10 s) and pvestatd's own cadence, so what is shown is never older than
// Proxmox's own figures by more than one poll. A key or action that needs
// fresh data still reads at once (Poller.refreshNow).
//
// The pace follows the answer's size, not measured CPU time: the demo runs
// the simulator in the same process, whose CPU would count as the poll's.

/** Interval per fleet entry (the answer's guests and nodes). */
export const MS_PER_ENTRY = 1;
/** Longest interval the fleet's size may stretch the configured refresh to. */
export const STRETCH_LIMIT_MS = 8000;

/** The wait before the next fleet poll, after one that brought `entries` entries. */
export function fleetIntervalMs(refreshMs: number, entries: number): number {
	const bySize = Math.min(STRETCH_LIMIT_MS, Math.max(0, entries) * MS_PER_ENTRY);
	// A refresh configured longer than the limit stays as configured.
	return Math.max(refreshMs, bySize);
}
