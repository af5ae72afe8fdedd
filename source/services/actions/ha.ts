// HA-managed guests, as Proxmox treats them. pve-container and qemu-server
// route a start/stop/shutdown of a guest the HA manager manages through HA:
// the status call forks an `hastart`/`hastop` task that runs
// `ha-manager set <sid> --state started` (start) or
// `ha-manager crm-command stop <sid> <timeout>` (stop: 0, shutdown: its timeout),
// and the CRM then starts or stops the guest on its own schedule. proxdeck sends
// the same status call the web UI sends (so a PVEVMAdmin token, which lacks the
// Sys.Console that PUT /cluster/ha/resources needs, can still do it) and says in
// the confirm dialog what Proxmox will do. A reboot is not routed through HA.

import type {ActionId} from '../../store/ops-types.js';
import type {GuestRow} from '../../store/types.js';

/** The HA resource id (`ct:101`, `vm:150`) when the HA manager manages the guest; `ignored` resources are left to the plain API. */
export function haSid(row: Pick<GuestRow, 'kind' | 'vmid' | 'hastate'> | undefined): string | undefined {
	if (!row?.hastate || row.hastate === 'ignored') return undefined;
	return `${row.kind === 'qemu' ? 'vm' : 'ct'}:${row.vmid}`;
}

const ROUTED: ReadonlySet<ActionId> = new Set(['start', 'stop', 'shutdown']);

/** The command the hastart/hastop task runs on the host, shown in the dialog instead of `pct start`. */
export function haHostCommand(action: ActionId, sid: string, params: Record<string, unknown> = {}): string | undefined {
	if (action === 'start') return `ha-manager set ${sid} --state started`;
	if (action === 'stop') return `ha-manager crm-command stop ${sid} 0`;
	if (action === 'shutdown') return `ha-manager crm-command stop ${sid} ${typeof params.timeout === 'number' ? params.timeout : 60}`;
	return undefined;
}

/** What the confirm dialog says about the HA-managed targets of this action, or undefined when none is. */
export function haNote(action: ActionId, rows: ReadonlyArray<GuestRow | undefined>): string | undefined {
	const managed = rows.filter((r): r is GuestRow => haSid(r) !== undefined);
	if (managed.length === 0) return undefined;
	const sids = managed.map((r) => haSid(r)!).join(', ');
	const stuck = managed.filter((r) => r.hastate === 'error' || r.hastate === 'fence');
	const stuckNote = stuck.length === 0 ? '' : ` ${stuck.map((r) => `${haSid(r)} is in ${r.hastate}`).join(', ')}: the HA manager acts on it only after \`ha-manager set ${haSid(stuck[0])} --state disabled\` and a fix.`;
	if (!ROUTED.has(action)) {
		if (action === 'reboot') return `HA-managed (${sids}): the reboot runs directly, not through HA; the HA manager keeps the guest started.${stuckNote}`;
		return stuckNote.trim() || undefined;
	}
	const verb = action === 'start' ? 'start' : 'stop';
	return `HA-managed (${sids}): Proxmox hands the ${verb} to the HA manager (an ha${verb} task sets the requested state; the CRM then ${verb}s the guest, a few seconds later).${stuckNote}`;
}
