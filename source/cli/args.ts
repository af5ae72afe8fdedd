// Command-line parsing. The help text below is the documentation of every flag;
// the README repeats it. Parsing is a pure function of argv so it can be tested;
// only the entry point exits the process.

import meow, {type AnyFlags, type TypedFlags} from 'meow';

export const HELP = `
	Usage
	  $ proxdeck [options]          open the console (the built-in demo when no host is configured)
	  $ proxdeck sim [options]      run the Proxmox VE simulator alone (for other API clients)
	  $ proxdeck upgrade [options]  bulk-upgrade containers without the console (cron, CI)
	  $ proxdeck check [options]    the fleet's problems, ranked, for cron and monitoring
	  $ proxdeck backups [options]  every guest's newest backup and its age, for cron
	  $ proxdeck backup [options]   back up guests now (vzdump), each on its own node
	                                (exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)

	Connection
	  --context <name>              the cluster named under contexts: in the config file
	                                (switch at run time with :ctx NAME; :ctx lists them)
	  --host, -H <name|address>     Proxmox host, or the name of a host in the config file
	  --port <n>                    API port (default 8006)
	  --token-id <user@realm!id>    API token id; the secret is read from $PROXDECK_TOKEN_SECRET,
	                                --token-secret-file, or the config file — never from a flag
	  --token-secret-file <path>    file holding the token secret (chmod 600)
	  --user <user@realm>           log in with a password instead (ticket); the password is read
	                                from $PROXDECK_PASSWORD or asked for on the terminal
	  --fingerprint <AB:CD:…>       pin the host's TLS certificate by its SHA-256 fingerprint
	                                (Datacenter → node → System → Certificates, or pvenode cert info)
	  --ca <path>                   trust this CA certificate (e.g. /etc/pve/pve-root-ca.pem)
	  --insecure                    accept any TLS certificate (shown as INSECURE in the header)

	SSH (for what the API cannot do: container journals, pct exec, zfs list)
	  --ssh                         also connect over SSH to the host (user root, ssh-agent)
	  --ssh-user <user>             SSH user (default root; implies --ssh)
	  --ssh-port <n>                SSH port (default 22)
	  --ssh-key <path>              private key file instead of the agent (passphrase asked for)
	  --accept-new-host-key         record an unknown host key in ~/.ssh/known_hosts (never a changed one)
	  --local                       run pct/journalctl/zfs as local commands (automatic on a PVE host)

	Console
	  --refresh <seconds>           fleet refresh interval (default 2, minimum 1; a fleet of
	                                over 2,000 guests is read up to 8 s apart)
	  --read-only                   refuse every action that changes anything
	  --audit-log <path>            audit log of actions (default $XDG_STATE_HOME/proxdeck/audit.log)
	  --config <path>               config file (default $XDG_CONFIG_HOME/proxdeck/config.yaml)
	  --demo                        open the built-in demo even if a host is configured

	Upgrade (proxdeck upgrade: plan, snapshot, upgrade, check, roll back what fails)
	  --tag <t>, --node <n>         containers with this tag / on this node (repeat --tag; combined with AND)
	  --vmid <101,102>              these containers
	  --all                         every container
	  --concurrency <n>             containers upgraded at once (default 2)
	  --max-failures <k>            after k failures no new container starts (default 1)
	  --no-rollback                 keep a failed container as it is (for inspection) instead of rolling back
	  --start-stopped               start stopped containers, upgrade them, shut them down again
	  --without-snapshot            also upgrade containers that cannot be snapshotted (no rollback for them)
	  --backup-first STORAGE        containers that cannot be snapshotted take a vzdump backup to STORAGE
	                                first and are restored from it if their upgrade fails
	  --health <tag>=<command>      a health check run inside containers with that tag (exit 0 = healthy)
	  --timeout <seconds>           limit per phase; a hang past it is stopped and rolled back (default 1800)
	  --dry-run                     print the plan and change nothing
	  --yes                         run the plan (without it the plan is printed and nothing runs)
	  --json                        print the summary (or with --dry-run the plan) as JSON on stdout
	  --prune-after <days>          afterwards, delete the pre-upgrade snapshots older than that of the
	                                containers that upgraded cleanly (never a container's newest snapshot)
	  --resume                      resume the interrupted run (journal in $XDG_STATE_HOME/proxdeck/runs)

	Backup (proxdeck backup / backups)
	  --vmid, --tag, --node, --all  the guests to back up (as for upgrade; VMs included)
	  --storage <id>                backup storage to write to (needed when there is more than one)
	  --yes                         run the backup (without it the plan is printed and nothing runs)
	  --json                        backups: the list with ages; backup: the results, as JSON

	Check (proxdeck check: the problems pane's rules without the console; a PVEAuditor token will do)
	  --json                        print the result as JSON (with upgrade: the summary)
	  --notify <url>                POST the result to a webhook when it changed since the last run
	                                (plain text to ntfy-style URLs, JSON otherwise; also for upgrade)

	Demo and simulator
	  --scenario <name>             turn the demo fleet into a practice situation: incident
	                                (homelab); cluster-incident, quorum-lost (--fixture cluster)
	  --fixture <homelab|cluster|path>  fleet to simulate (default homelab)
	  --guests <n> --nodes <n>      simulate a generated fleet of that size instead
	  --listen <address>            simulator address (sim only, default 127.0.0.1)
	  --port <n>                    simulator port (sim only, default 8006)
	  --ssh <port>                  sim: also serve the simulated nodes over SSH on this port
	                                (user root; keys from ~/.ssh/*.pub, or --ssh-key FILE.pub)
	  --sim-speed <x>               the demo's (or sim's) tasks and package output run x times faster

	  --help                        show this help
	  --version                     show the version

	Examples
	  $ proxdeck                                   the demo homelab
	  $ PROXDECK_TOKEN_SECRET=… proxdeck --host 192.168.0.10 --token-id root@pam!proxdeck \\
	      --fingerprint 80:D4:F2:…:69:F5
	  $ proxdeck --host home --read-only           a host named in the config file
	  $ proxdeck sim --fixture cluster --port 8006
	  $ proxdeck sim --ssh 2222                    the simulator's API and its nodes' SSH side
	  $ proxdeck upgrade --demo --tag media --concurrency 3 --yes --json
`;

export type Command = 'console' | 'sim' | 'upgrade' | 'check' | 'backup' | 'backups';

export interface CliArgs {
	command: Command;
	help: boolean;
	version: boolean;
	host?: string;
	/** A cluster under `contexts:` in the config file. */
	context?: string;
	port?: number;
	tokenId?: string;
	tokenSecretFile?: string;
	user?: string;
	fingerprint?: string;
	ca?: string;
	insecure: boolean;
	refresh?: number;
	readOnly: boolean;
	/** Where actions are audited (default $XDG_STATE_HOME/proxdeck/audit.log). */
	auditLog?: string;
	config?: string;
	demo: boolean;
	fixture?: string;
	/** A practice situation applied to the demo fixture (sim/scenarios.ts). */
	scenario?: string;
	/** Webhook for check and upgrade results. */
	notify?: string;
	guests?: number;
	nodes?: number;
	listen?: string;
	ssh: boolean;
	sshUser?: string;
	sshPort?: number;
	sshKey?: string;
	acceptNewHostKey: boolean;
	local: boolean;
	/** `proxdeck backup --storage`. */
	storage?: string;
	upgrade: UpgradeArgs;
}

/** Flags of `proxdeck upgrade`. */
export interface UpgradeArgs {
	tags: string[];
	vmids: number[];
	node?: string;
	all: boolean;
	concurrency: number;
	maxFailures: number;
	rollback: boolean;
	startStopped: boolean;
	withoutSnapshot: boolean;
	/** --backup-first STORAGE: a vzdump backup is the way back of containers that cannot be snapshotted. */
	backupFirst?: string;
	/** tag → commands. */
	health: Record<string, string[]>;
	/** Days after which successful containers' pre-upgrade snapshots are deleted. */
	pruneAfter?: number;
	timeoutSec: number;
	dryRun: boolean;
	yes: boolean;
	json: boolean;
	resume: boolean;
	simSpeed?: number;
}

const COMMANDS: readonly Command[] = ['console', 'sim', 'upgrade', 'check', 'backup', 'backups'];

export class UsageError extends Error {}

// Every flag once; `upgradeArgs` takes the parsed values typed from this table.
const FLAGS = {
	host: {type: 'string', shortFlag: 'H'},
	context: {type: 'string'},
	port: {type: 'number'},
	tokenId: {type: 'string'},
	tokenSecretFile: {type: 'string'},
	user: {type: 'string'},
	fingerprint: {type: 'string'},
	ca: {type: 'string'},
	insecure: {type: 'boolean', default: false},
	refresh: {type: 'number'},
	readOnly: {type: 'boolean', default: false},
	auditLog: {type: 'string'},
	config: {type: 'string'},
	demo: {type: 'boolean', default: false},
	fixture: {type: 'string'},
	scenario: {type: 'string'},
	notify: {type: 'string'},
	guests: {type: 'number'},
	nodes: {type: 'number'},
	listen: {type: 'string'},
	ssh: {type: 'boolean', default: false},
	sshUser: {type: 'string'},
	sshPort: {type: 'number'},
	sshKey: {type: 'string'},
	acceptNewHostKey: {type: 'boolean', default: false},
	local: {type: 'boolean', default: false},
	storage: {type: 'string'},
	tag: {type: 'string', isMultiple: true},
	vmid: {type: 'string', isMultiple: true},
	node: {type: 'string'},
	all: {type: 'boolean', default: false},
	concurrency: {type: 'number', default: 2},
	maxFailures: {type: 'number', default: 1},
	rollback: {type: 'boolean', default: true},
	startStopped: {type: 'boolean', default: false},
	withoutSnapshot: {type: 'boolean', default: false},
	backupFirst: {type: 'string'},
	health: {type: 'string', isMultiple: true},
	timeout: {type: 'number', default: 1800},
	dryRun: {type: 'boolean', default: false},
	yes: {type: 'boolean', default: false},
	json: {type: 'boolean', default: false},
	resume: {type: 'boolean', default: false},
	pruneAfter: {type: 'number'},
	simSpeed: {type: 'number'},
	help: {type: 'boolean', default: false, shortFlag: 'h'},
	version: {type: 'boolean', default: false},
} satisfies AnyFlags;

/**
 * `proxdeck sim --ssh PORT` (or `--ssh=PORT`): the simulator's SSH side on
 * PORT. `--ssh` is a switch elsewhere, so the port is moved to --ssh-port here.
 */
function simSshPort(argv: string[]): string[] {
	if (!argv.includes('sim')) return argv;
	const out: string[] = [];
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i]!;
		const inline = /^--ssh=(\d+)$/.exec(arg);
		if (inline) out.push('--ssh', '--ssh-port', inline[1]!);
		else if (arg === '--ssh' && /^\d+$/.test(argv[i + 1] ?? '')) out.push('--ssh', '--ssh-port', argv[++i]!);
		else out.push(arg);
	}
	return out;
}

export function parseArgs(rawArgv: string[]): CliArgs {
	const argv = simSshPort(rawArgv);
	// Unknown flags are ours to report (meow would print two lines and exit by itself).
	const cli = meow(HELP, {
		importMeta: import.meta,
		argv,
		autoHelp: false,
		autoVersion: false,
		allowUnknownFlags: true,
		flags: FLAGS,
	});
	const unknown = Object.keys(cli.flags).filter((name) => !Object.hasOwn(FLAGS, name));
	if (unknown.length > 0) {
		const name = unknown[0]!.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
		// Short options are reported as typed (-x), not as a long name meow made of them.
		const short = argv.find((arg) => /^-[A-Za-z]/.test(arg) && !arg.startsWith('--') && arg.slice(1).includes(unknown[0]!));
		if (short !== undefined && unknown[0]!.length === 1) throw new UsageError(`unknown option ${short} (see proxdeck --help)`);
		// A secret on the command line is visible to every user through ps: there is deliberately no such flag.
		if (name === 'token-secret') {
			throw new UsageError('--token-secret is not accepted: the command line is visible to every user (ps); use $PROXDECK_TOKEN_SECRET, --token-secret-file FILE or the config file');
		}
		if (name === 'password') {
			throw new UsageError('--password is not accepted: the command line is visible to every user (ps); use $PROXDECK_PASSWORD or type it when asked');
		}
		throw new UsageError(`unknown option --${name} (see proxdeck --help)`);
	}
	const [first, ...rest] = cli.input;
	if (rest.length > 0 || (first !== undefined && !COMMANDS.includes(first as Command))) {
		throw new UsageError(`unknown command: ${cli.input.join(' ')} (commands: sim, upgrade, check, backup, backups; see proxdeck --help)`);
	}
	const flags = cli.flags;
	const args: CliArgs = {
		command: (first as Command | undefined) ?? 'console',
		help: flags.help,
		version: flags.version,
		host: flags.host,
		...(flags.context !== undefined ? {context: flags.context} : {}),
		port: flags.port,
		tokenId: flags.tokenId,
		tokenSecretFile: flags.tokenSecretFile,
		user: flags.user,
		fingerprint: flags.fingerprint,
		ca: flags.ca,
		insecure: flags.insecure,
		refresh: flags.refresh,
		readOnly: flags.readOnly,
		auditLog: flags.auditLog,
		config: flags.config,
		demo: flags.demo,
		fixture: flags.fixture,
		scenario: flags.scenario,
		notify: flags.notify,
		guests: flags.guests,
		nodes: flags.nodes,
		listen: flags.listen,
		ssh: flags.ssh,
		sshUser: flags.sshUser,
		sshPort: flags.sshPort,
		sshKey: flags.sshKey,
		acceptNewHostKey: flags.acceptNewHostKey,
		local: flags.local,
		...(flags.storage !== undefined ? {storage: flags.storage} : {}),
		upgrade: upgradeArgs(flags),
	};
	checkNumbers(args);
	if (args.context !== undefined && args.host !== undefined) throw new UsageError('use either --context or --host, not both');
	if (args.tokenId && args.user) throw new UsageError('use either --token-id or --user, not both');
	if (args.insecure && args.fingerprint) throw new UsageError('--insecure and --fingerprint contradict each other: pin the fingerprint and drop --insecure');
	if (args.local && (args.ssh || args.sshUser || args.sshKey)) throw new UsageError('--local runs commands on this machine: drop the --ssh options, or drop --local');
	if (args.notify !== undefined && !/^https?:\/\/[^\s]+$/.test(args.notify)) throw new UsageError('--notify takes an http:// or https:// URL');
	if (args.scenario !== undefined && args.guests !== undefined) throw new UsageError('--scenario applies to a fixture, not to a generated fleet (--guests)');
	if ((args.guests === undefined) !== (args.nodes === undefined) && args.guests === undefined) {
		throw new UsageError('--nodes needs --guests');
	}
	return args;
}

function upgradeArgs(flags: TypedFlags<typeof FLAGS>): UpgradeArgs {
	const vmids = (flags.vmid ?? []).flatMap((v) => v.split(',')).filter((v) => v.trim() !== '').map((v) => {
		const n = Number(v.trim());
		if (!Number.isInteger(n) || n < 100 || n > 999_999_999) throw new UsageError(`--vmid: not a guest id: ${JSON.stringify(v)}`);
		return n;
	});
	const health: Record<string, string[]> = {};
	for (const spec of flags.health ?? []) {
		const eq = spec.indexOf('=');
		if (eq <= 0 || eq === spec.length - 1) throw new UsageError(`--health must look like <tag>=<command>, got ${JSON.stringify(spec)}`);
		(health[spec.slice(0, eq)] ??= []).push(spec.slice(eq + 1));
	}
	const whole = (name: string, value: number, min: number, max: number) => {
		if (!Number.isInteger(value) || value < min || value > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}`);
	};
	whole('concurrency', flags.concurrency, 1, 16);
	whole('max-failures', flags.maxFailures, 1, 10_000);
	whole('timeout', flags.timeout, 1, 86_400);
	if (flags.pruneAfter !== undefined) whole('prune-after', flags.pruneAfter, 0, 3650);
	if (flags.simSpeed !== undefined && !(flags.simSpeed > 0 && flags.simSpeed <= 10_000)) throw new UsageError('--sim-speed must be above 0 and at most 10000');
	return {
		tags: (flags.tag ?? []).flatMap((t) => t.split(',')).filter(Boolean),
		vmids,
		...(flags.node ? {node: flags.node} : {}),
		all: flags.all,
		concurrency: flags.concurrency,
		maxFailures: flags.maxFailures,
		rollback: flags.rollback,
		startStopped: flags.startStopped,
		withoutSnapshot: flags.withoutSnapshot,
		...(flags.backupFirst !== undefined ? {backupFirst: flags.backupFirst} : {}),
		health,
		timeoutSec: flags.timeout,
		dryRun: flags.dryRun,
		yes: flags.yes,
		json: flags.json,
		resume: flags.resume,
		...(flags.simSpeed !== undefined ? {simSpeed: flags.simSpeed} : {}),
		...(flags.pruneAfter !== undefined ? {pruneAfter: flags.pruneAfter} : {}),
	};
}

function checkNumbers(args: CliArgs): void {
	const integer = (name: string, value: number | undefined, min: number, max: number) => {
		if (value === undefined) return;
		if (!Number.isInteger(value) || value < min || value > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}`);
	};
	integer('port', args.port, 1, 65535);
	integer('ssh-port', args.sshPort, 1, 65535);
	integer('guests', args.guests, 1, 100_000);
	integer('nodes', args.nodes, 1, 64);
	if (args.refresh !== undefined && !(args.refresh >= 1 && args.refresh <= 3600)) {
		throw new UsageError('--refresh must be between 1 and 3600 seconds');
	}
}

export function helpText(): string {
	return HELP.replace(/^\n/, '')
		.split('\n')
		.map((line) => line.replace(/^\t/, ''))
		.join('\n');
}
