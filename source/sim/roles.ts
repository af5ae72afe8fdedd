// Proxmox's built-in roles, derived the way pve-access-control's
// AccessControl.pm derives them: privileges grouped per category into
// root/admin/user/audit tiers, and the special roles composed from the tiers.
// Deriving instead of listing keeps the lists consistent with upstream.

interface PrivGroup {root: string[]; admin: string[]; user: string[]; audit: string[]}

const PRIV_GROUPS: Record<string, PrivGroup> = {
	VM: {
		root: [],
		admin: ['VM.Config.Disk', 'VM.Config.CPU', 'VM.Config.Memory', 'VM.Config.Network', 'VM.Config.HWType', 'VM.Config.Options', 'VM.Allocate', 'VM.Clone', 'VM.GuestAgent.Unrestricted', 'VM.Migrate', 'VM.Monitor', 'VM.Snapshot', 'VM.Snapshot.Rollback'],
		user: ['VM.Config.CDROM', 'VM.Config.Cloudinit', 'VM.Console', 'VM.Backup', 'VM.GuestAgent.FileRead', 'VM.GuestAgent.FileSystemMgmt', 'VM.GuestAgent.FileWrite', 'VM.PowerMgmt'],
		audit: ['VM.Audit', 'VM.GuestAgent.Audit'],
	},
	Sys: {root: ['Sys.PowerMgmt', 'Sys.Modify', 'Sys.Incoming'], admin: ['Sys.Console', 'Sys.Syslog'], user: [], audit: ['Sys.Audit']},
	Datastore: {root: [], admin: ['Datastore.Allocate', 'Datastore.AllocateTemplate'], user: ['Datastore.AllocateSpace'], audit: ['Datastore.Audit']},
	SDN: {root: [], admin: ['SDN.Allocate', 'SDN.Audit'], user: ['SDN.Use'], audit: ['SDN.Audit']},
	User: {root: ['Realm.Allocate'], admin: ['User.Modify', 'Group.Allocate', 'Realm.AllocateUser'], user: [], audit: []},
	Pool: {root: [], admin: ['Pool.Allocate'], user: ['Pool.Audit'], audit: ['Pool.Audit']},
	Mapping: {root: [], admin: ['Mapping.Modify'], user: ['Mapping.Use'], audit: ['Mapping.Audit']},
};

function buildRoles(): Map<string, Set<string>> {
	const all = new Set<string>(['Permissions.Modify']);
	const roles = new Map<string, Set<string>>();
	const add = (role: string, privs: string[]) => {
		const set = roles.get(role) ?? new Set<string>();
		for (const p of privs) set.add(p);
		roles.set(role, set);
	};
	for (const [cat, g] of Object.entries(PRIV_GROUPS)) {
		for (const p of [...g.root, ...g.admin, ...g.user, ...g.audit]) all.add(p);
		add(`PVE${cat}Admin`, [...g.admin, ...g.user, ...g.audit]);
		add('PVEAdmin', [...g.admin, ...g.user, ...g.audit]);
		if (g.user.length > 0) add(`PVE${cat}User`, [...g.user, ...g.audit]);
		add('PVEAuditor', g.audit);
	}
	// Upstream keeps Mapping.Modify to Administrator/PVEMappingAdmin only.
	roles.get('PVEAdmin')!.delete('Mapping.Modify');
	roles.set('PVETemplateUser', new Set(['VM.Clone', 'VM.Audit']));
	roles.set('NoAccess', new Set());
	roles.set('Administrator', all);
	return roles;
}

export const BUILTIN_ROLES: ReadonlyMap<string, ReadonlySet<string>> = buildRoles();

/** Built-in roles plus the fixture's own; a fixture cannot redefine a built-in one (PVE forbids it too). */
export function roleTable(extra: Record<string, string[]> | undefined): Map<string, ReadonlySet<string>> {
	const table = new Map<string, ReadonlySet<string>>(BUILTIN_ROLES);
	for (const [name, privs] of Object.entries(extra ?? {})) if (!table.has(name)) table.set(name, new Set(privs));
	return table;
}
