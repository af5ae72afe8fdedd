// The smallest useful size of each pane (columns × rows, title line included).
// Below it the layout engine drops the pane rather than draw a useless sliver.

import type {MinSize, PaneKind} from './layout-engine.js';

export const PANE_MIN_SIZE: Readonly<Record<PaneKind, MinSize>> = {
	// The fleet needs VMID, NAME, STATUS and a resource column, and a few rows.
	fleet: {width: 60, height: 8},
	topology: {width: 36, height: 5},
	zfs: {width: 36, height: 5},
	logs: {width: 30, height: 4},
	tasks: {width: 40, height: 3},
	upgrade: {width: 60, height: 8},
	// Title and two problems: the worst ones are what an incident needs first.
	problems: {width: 30, height: 3},
	// Title, the jobs' heading and a job: enough to see what runs when.
	backups: {width: 40, height: 4},
	// A node's name, state and CPU with its sparkline.
	nodes: {width: 40, height: 3},
};
