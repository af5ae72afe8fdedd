// Snapshot names: proxdeck's default and Proxmox's rules, checked before
// sending so the prompt can say what is wrong while the user types.

const pad = (n: number) => String(n).padStart(2, '0');

/** proxdeck-YYYYMMDD-HHMMSS in local time. */
export function defaultSnapshotName(at: Date): string {
	const date = `${at.getFullYear()}${pad(at.getMonth() + 1)}${pad(at.getDate())}`;
	const time = `${pad(at.getHours())}${pad(at.getMinutes())}${pad(at.getSeconds())}`;
	return `proxdeck-${date}-${time}`;
}

/** Why Proxmox would refuse this name, or undefined when it is fine (pve-api.md §3). */
export function snapshotNameError(name: string): string | undefined {
	if (name === '') return 'a name is required';
	if (name === 'current' || name === 'vzdump') return `unable to use snapshot name '${name}' (reserved name)`;
	if (name.length > 40) return 'at most 40 characters';
	if (!/^[a-z][a-z0-9_-]+$/i.test(name)) return 'a letter first, then letters, digits, - or _ (at least 2 characters)';
	return undefined;
}
