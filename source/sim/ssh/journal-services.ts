// What real services write to the journal, as deterministic generators: a
// generator gets a random source (fixed by seed, journal and line number) and
// the line's time, and returns `ident[pid]: message` parts. Wording follows
// the recorded samples in /work/shared/samples (journal-*.txt) and the
// services' own log formats (Grafana logfmt, Prometheus 3 slog, Vaultwarden's
// `[time][target][LEVEL]`, the *arr `[Info] Component:` style, PostgreSQL's
// `LOG:  …`).

export type Rand = (salt: number) => number;

export interface JournalEntry {
	ident: string;
	pid: number;
	message: string;
}

export interface ServiceContext {
	/** The container's hostname (or the node name). */
	host: string;
	/** A stable pid for the service's main process. */
	pid: number;
	/** Epoch ms of the line. */
	time: number;
}

export type ServiceGenerator = (rand: Rand, ctx: ServiceContext) => JournalEntry;

function pick<T>(rand: Rand, salt: number, items: readonly T[]): T {
	return items[Math.floor(rand(salt) * items.length)]!;
}

function int(rand: Rand, salt: number, min: number, max: number): number {
	return min + Math.floor(rand(salt) * (max - min + 1));
}

function ip(rand: Rand, salt: number): string {
	return rand(salt) < 0.7 ? `192.168.0.${int(rand, salt + 1, 20, 250)}` : `203.0.113.${int(rand, salt + 1, 2, 254)}`;
}

function isoMs(time: number): string {
	return new Date(time).toISOString();
}

const USERS = ['alice@example.org', 'bob@example.org', 'carol@example.org', 'dave@example.org'];
const SHOWS = ['The Expanse', 'Severance', 'Andor', 'Slow Horses', 'The Bear', 'Shogun'];
const MOVIES = ['Dune: Part Two', 'Arrival', 'Blade Runner 2049', 'Oppenheimer', 'Past Lives'];
const ARTISTS = ['Radiohead', 'Massive Attack', 'Björk', 'Bonobo', 'Air'];
const TORRENTS = ['debian-13.2.0-amd64-netinst.iso', 'ubuntu-24.04.3-live-server-amd64.iso', 'archlinux-2026.11.01-x86_64.iso', 'Fedora-Server-dvd-x86_64-43.iso'];
const PATHS = ['/api/health', '/api/v1/status', '/', '/login', '/static/app.js', '/favicon.ico', '/api/ws'];

const plex: ServiceGenerator = (rand, {pid}) => {
	const title = pick(rand, 2, [...SHOWS, ...MOVIES]);
	// About one line in twelve is an error, as on a server whose clients ask for codecs it struggles with.
	if (int(rand, 7, 0, 11) === 0) {
		const error = pick(rand, 8, [
			`ERROR - [Req#${int(rand, 3, 0x1000, 0xffff).toString(16)}/Transcode/${int(rand, 4, 1000, 9999)}] Transcoder exited with error code 187 media=(${title})`,
			`ERROR - [Transcoder] [hevc @ 0x55d5c${int(rand, 6, 0x10000, 0xfffff).toString(16)}] Failed setup for format vaapi: hwaccel initialisation returned error.`,
			`ERROR - Failed to obtain a streaming resource for transcode of key /library/metadata/${int(rand, 5, 1000, 99999)}: 1001 - Transcoder timed out`,
		]);
		return {ident: 'plexmediaserver', pid, message: error};
	}
	const message = pick(rand, 1, [
		`Sqlite3: Sleeping for 200ms to retry busy DB.`,
		`[Req#${int(rand, 3, 0x1000, 0xffff).toString(16)}/Transcode] Streaming Resource: Reached Decision id=${int(rand, 4, 100, 9999)} codes=(General=1000,Direct play OK.) media=(${title})`,
		`[Req#${int(rand, 3, 0x1000, 0xffff).toString(16)}] Library section 1 (Movies) scanned in ${int(rand, 5, 1, 40)} seconds`,
		`Critical: libusb_init failed`,
		`[Transcoder] [hevc @ 0x55d5c${int(rand, 6, 0x10000, 0xfffff).toString(16)}] Using auto hwaccel type vaapi with new default device.`,
		`Download of "${title}" metadata from plex.tv completed`,
	]);
	return {ident: 'plexmediaserver', pid, message};
};

const grafana: ServiceGenerator = (rand, {pid, time}) => {
	const t = isoMs(time).replace('Z', '+00:00');
	const message = pick(rand, 1, [
		`logger=context userId=1 orgId=1 uname=admin t=${t} level=info msg="Request Completed" method=GET path=/api/live/ws status=-1 remote_addr=${ip(rand, 2)} time_ms=${int(rand, 3, 1, 9)} duration=${int(rand, 3, 1, 9)}.${int(rand, 4, 0, 9)}ms size=0 referer= handler=/api/live/ws status_source=server`,
		`logger=cleanup t=${t} level=info msg="Completed cleanup jobs" duration=${int(rand, 3, 4, 40)}.${int(rand, 4, 100, 999)}ms`,
		`logger=plugins.update.checker t=${t} level=info msg="Update check succeeded" duration=${int(rand, 3, 60, 400)}.${int(rand, 4, 100, 999)}ms`,
		`logger=ngalert.scheduler t=${t} level=info msg="Evaluating rule" rule_uid=fe${int(rand, 5, 100000, 999999)} org_id=1`,
		`logger=infra.usagestats t=${t} level=info msg="Usage stats are ready to report"`,
	]);
	return {ident: 'grafana', pid, message};
};

const prometheus: ServiceGenerator = (rand, {host, pid, time}) => {
	const t = isoMs(time);
	const message = pick(rand, 1, [
		`time=${t} level=INFO source=head.go:1367 msg="Head GC completed" component=tsdb caller=truncateMemory duration=${int(rand, 2, 2, 90)}.${int(rand, 3, 100, 999)}ms`,
		`time=${t} level=INFO source=compact.go:575 msg="write block" component=tsdb mint=${time - 7_200_000} maxt=${time} ulid=01JD${int(rand, 4, 1e9, 9e9)}Q duration=${int(rand, 5, 100, 900)}.${int(rand, 6, 100, 999)}ms`,
		`time=${t} level=INFO source=checkpoint.go:101 msg="Creating checkpoint" component=tsdb from_segment=${int(rand, 2, 100, 400)} to_segment=${int(rand, 2, 401, 500)} mint=${time}`,
		`time=${t} level=WARN source=scrape.go:1865 msg="Append failed" component="scrape manager" scrape_pool=node target=http://${ip(rand, 7)}:9100/metrics err="out of bounds"`,
	]);
	return {ident: /alertmanager/i.test(host) ? 'alertmanager' : 'prometheus', pid, message};
};

const wireguard: ServiceGenerator = (rand) => {
	const peer = int(rand, 2, 1, 6);
	const endpoint = `${ip(rand, 3)}:${int(rand, 4, 1024, 65000)}`;
	const message = pick(rand, 1, [
		`wireguard: wg0: Receiving handshake initiation from peer ${peer} (${endpoint})`,
		`wireguard: wg0: Sending handshake response to peer ${peer} (${endpoint})`,
		`wireguard: wg0: Keypair ${int(rand, 5, 1, 400)} created for peer ${peer}`,
		`wireguard: wg0: Receiving keepalive packet from peer ${peer} (${endpoint})`,
		`wireguard: wg0: Retrying handshake with peer ${peer} (${endpoint}) because we stopped hearing back after 15 seconds`,
		`wireguard: wg0: Handshake for peer ${peer} (${endpoint}) did not complete after 5 seconds, retrying (try ${int(rand, 6, 2, 20)})`,
	]);
	return {ident: 'kernel', pid: 0, message};
};

const vaultwarden: ServiceGenerator = (rand, {pid, time}) => {
	const t = isoMs(time).replace('T', ' ').replace('Z', '');
	const user = pick(rand, 2, USERS);
	const from = ip(rand, 3);
	const message = pick(rand, 1, [
		`[${t}][request][INFO] POST /identity/connect/token`,
		`[${t}][vaultwarden::api::identity][INFO] User ${user} logged in successfully. IP: ${from}`,
		`[${t}][vaultwarden::api::identity][ERROR] Username or password is incorrect. Try again. IP: ${from}. Username: ${user}.`,
		`[${t}][response][INFO] (login) POST /identity/connect/token => 200 OK`,
		`[${t}][request][INFO] GET /api/sync`,
		`[${t}][response][INFO] (sync) GET /api/sync?<data..> => 200 OK`,
	]);
	return {ident: 'vaultwarden', pid, message};
};

function arr(name: string, items: readonly string[], refresh: string): ServiceGenerator {
	return (rand, {pid}) => {
		const item = pick(rand, 2, items);
		const message = pick(rand, 1, [
			`[Info] RssSyncService: RSS Sync Completed. Reports found: ${int(rand, 3, 50, 300)}, Reports grabbed: ${int(rand, 4, 0, 2)}`,
			`[Info] DownloadDecisionMaker: Processing ${int(rand, 3, 50, 300)} releases`,
			`[Info] ${refresh}: Updating info for ${item}`,
			`[Info] DiskScanService: Scanning disk for ${item}`,
			`[Warn] ${name}ErrorPipeline: Invalid response received from indexer: HTTP 429 Too Many Requests`,
			`[Info] Housekeeper: Running housecleaning tasks`,
		]);
		return {ident: name, pid, message};
	};
}

const qbittorrent: ServiceGenerator = (rand, {pid, time}) => {
	const t = isoMs(time).slice(0, 19);
	const torrent = pick(rand, 2, TORRENTS);
	const message = pick(rand, 1, [
		`(N) ${t} - Added new torrent. Torrent: "${torrent}"`,
		`(N) ${t} - Torrent download finished. Torrent: "${torrent}"`,
		`(I) ${t} - Detected external IP. IP: "203.0.113.${int(rand, 3, 2, 254)}"`,
		`(W) ${t} - Tracker error. Torrent: "${torrent}". Tracker: "udp://tracker.opentrackr.org:1337/announce". Error: "timed out"`,
	]);
	return {ident: 'qbittorrent-nox', pid, message};
};

const postgresql: ServiceGenerator = (rand, {pid, time}) => {
	const t = `${isoMs(time).replace('T', ' ').replace('Z', '')} UTC`;
	const buffers = int(rand, 2, 10, 4000);
	const message = pick(rand, 1, [
		`${t} [${pid}] LOG:  checkpoint starting: time`,
		`${t} [${pid}] LOG:  checkpoint complete: wrote ${buffers} buffers (${(buffers / 163.84).toFixed(1)}%); 0 WAL file(s) added, 0 removed, 1 recycled; write=${int(rand, 3, 1, 269)}.${int(rand, 4, 100, 999)} s, sync=0.0${int(rand, 5, 10, 99)} s, total=${int(rand, 3, 1, 270)}.${int(rand, 6, 100, 999)} s`,
		`${t} [${pid + int(rand, 7, 1, 900)}] app@app LOG:  duration: ${int(rand, 8, 1000, 9000)}.${int(rand, 9, 100, 999)} ms  statement: SELECT * FROM orders WHERE created_at > now() - interval '1 day'`,
		`${t} [${pid + int(rand, 7, 1, 900)}] LOG:  automatic vacuum of table "app.public.sessions": index scans: 1`,
	]);
	return {ident: 'postgres', pid, message};
};

const nginx: ServiceGenerator = (rand, {pid, time}) => {
	const date = new Date(time);
	const month = date.toLocaleString('en-US', {month: 'short', timeZone: 'UTC'});
	const stamp = `${String(date.getUTCDate()).padStart(2, '0')}/${month}/${date.getUTCFullYear()}:${date.toISOString().slice(11, 19)} +0000`;
	const status = pick(rand, 3, [200, 200, 200, 304, 404, 502]);
	const message = status === 502
		? `${date.toISOString().slice(0, 10).replace(/-/g, '/')} ${date.toISOString().slice(11, 19)} [error] ${pid}#${pid}: *${int(rand, 4, 1, 99999)} connect() failed (111: Connection refused) while connecting to upstream, client: ${ip(rand, 5)}, server: _, request: "GET / HTTP/2.0", upstream: "http://192.168.0.${int(rand, 6, 100, 200)}:8080/"`
		: `${ip(rand, 5)} - - [${stamp}] "GET ${pick(rand, 2, PATHS)} HTTP/2.0" ${status} ${int(rand, 7, 0, 40000)} "-" "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"`;
	return {ident: 'nginx', pid, message};
};

/** What any Debian/Ubuntu container logs: cron, timers, the odd ssh login. */
export const generic: ServiceGenerator = (rand, {pid}) => {
	const cronPid = pid + int(rand, 2, 1000, 30000);
	return pick(rand, 1, [
		{ident: 'CRON', pid: cronPid, message: '(root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)'},
		{ident: 'CRON', pid: cronPid, message: 'pam_unix(cron:session): session opened for user root(uid=0) by root(uid=0)'},
		{ident: 'CRON', pid: cronPid, message: 'pam_unix(cron:session): session closed for user root'},
		{ident: 'systemd', pid: 1, message: 'Starting apt-daily.service - Daily apt download activities...'},
		{ident: 'systemd', pid: 1, message: 'apt-daily.service: Deactivated successfully.'},
		{ident: 'systemd', pid: 1, message: 'Finished apt-daily.service - Daily apt download activities.'},
		{ident: 'systemd', pid: 1, message: 'Starting systemd-tmpfiles-clean.service - Cleanup of Temporary Directories...'},
		{ident: 'postfix/pickup', pid: cronPid + 1, message: `${int(rand, 3, 0x10000000, 0xffffffff).toString(16).toUpperCase()}: uid=0 from=<root>`},
	]);
};

/**
 * What an Alpine container logs around its service: no systemd, no apt, no
 * Debian cron job — busybox crond running the /etc/periodic scripts.
 */
export const alpineGeneric: ServiceGenerator = (rand, {pid}) => {
	const crondPid = pid + 40;
	const period = pick(rand, 1, ['15min', '15min', '15min', 'hourly', 'daily']);
	return {ident: 'crond', pid: crondPid, message: `USER root pid ${crondPid + int(rand, 2, 1, 30000)} cmd run-parts /etc/periodic/${period}`};
};

/** The system lines a container of this ostype writes besides its own service. */
export function systemFor(ostype: string | undefined): ServiceGenerator {
	return ostype === 'alpine' ? alpineGeneric : generic;
}

interface ServiceKind {
	/** Matched against the container's hostname first, then its tags. */
	pattern: RegExp;
	generator: ServiceGenerator;
}

const KINDS: ServiceKind[] = [
	{pattern: /plex/i, generator: plex},
	{pattern: /grafana/i, generator: grafana},
	{pattern: /prometheus|alertmanager/i, generator: prometheus},
	{pattern: /wireguard|^wg|vpn/i, generator: wireguard},
	{pattern: /vaultwarden|bitwarden/i, generator: vaultwarden},
	{pattern: /sonarr/i, generator: arr('Sonarr', SHOWS, 'RefreshSeriesService')},
	{pattern: /radarr/i, generator: arr('Radarr', MOVIES, 'RefreshMovieService')},
	{pattern: /lidarr/i, generator: arr('Lidarr', ARTISTS, 'RefreshArtistService')},
	{pattern: /prowlarr/i, generator: arr('Prowlarr', ['1337x', 'Nyaa', 'EZTV'], 'IndexerStatusService')},
	{pattern: /qbittorrent|torrent/i, generator: qbittorrent},
	{pattern: /postgres/i, generator: postgresql},
	{pattern: /nginx|swag|proxy|web/i, generator: nginx},
];

/** The service generator for a container, by hostname, then by tags; generic if none fits. */
export function serviceFor(hostname: string, tags: string, ostype?: string): ServiceGenerator {
	for (const kind of KINDS) if (kind.pattern.test(hostname)) return kind.generator;
	for (const tag of tags.split(/[;,\s]+/).filter(Boolean)) {
		for (const kind of KINDS) if (kind.pattern.test(tag)) return kind.generator;
	}
	return systemFor(ostype);
}
