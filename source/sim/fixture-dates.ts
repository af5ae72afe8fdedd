// A fixture's times are relative to the simulator's start (snaptime -542420,
// startedAgo 113991), but some of its text carries dates: snapshot names
// (`auto-20261117`) and task logs (`Backup started at 2026-11-22 02:00:09`,
// `vzdump-lxc-300-2026_11_22-02_00_09.tar.zst`). Started on another day, the
// demo would show a snapshot named for a date that is not its own. These
// helpers rewrite that text from the times the simulator actually gives the
// snapshot or task, so names, logs and timestamps agree with each other.

const NAME_DATE = /(20\d\d)([-_]?)(0[1-9]|1[0-2])\2(0[1-9]|[12]\d|3[01])/;

function pad(value: number): string {
	return String(value).padStart(2, '0');
}

/** The name with its date (YYYYMMDD, YYYY-MM-DD or YYYY_MM_DD) set to the UTC date of `epochS`; unchanged without one. */
export function redateName(name: string, epochS: number): string {
	const d = new Date(epochS * 1000);
	return name.replace(NAME_DATE, (_all, _y, sep: string) => `${d.getUTCFullYear()}${sep}${pad(d.getUTCMonth() + 1)}${sep}${pad(d.getUTCDate())}`);
}

/** `2026-11-22 02:00:09` (vzdump's log) and `2026_11_22-02_00_09` (its archive names). */
const LOG_TIME = /(20\d\d)([-_])(\d\d)\2(\d\d)([ -])(\d\d)([:_])(\d\d)\7(\d\d)/g;

function parseLogTime(match: RegExpExecArray | string[]): number {
	const [, y, , mo, d, , h, , mi, s] = match;
	return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) / 1000;
}

function formatLogTime(epochS: number, dateSep: string, middle: string, timeSep: string): string {
	const t = new Date(epochS * 1000);
	const date = [t.getUTCFullYear(), pad(t.getUTCMonth() + 1), pad(t.getUTCDate())].join(dateSep);
	const time = [pad(t.getUTCHours()), pad(t.getUTCMinutes()), pad(t.getUTCSeconds())].join(timeSep);
	return `${date}${middle}${time}`;
}

/**
 * The log lines with every timestamp moved so that the first one is the
 * task's start (`startS`); the others keep their distance to it. Lines
 * without timestamps come back as they are (undefined: nothing to move).
 */
export function retimeLog(lines: readonly string[], startS: number): string[] | undefined {
	let first: number | undefined;
	for (const line of lines) {
		const match = new RegExp(LOG_TIME.source).exec(line);
		if (match) {
			first = parseLogTime(match);
			break;
		}
	}
	if (first === undefined) return undefined;
	const delta = startS - first;
	return lines.map((line) => line.replace(LOG_TIME, (...m: string[]) => formatLogTime(parseLogTime(m) + delta, m[2]!, m[5]!, m[7]!)));
}

/** Every old snapshot name in the text replaced by its new one. */
export function renameIn(text: string, renamed: ReadonlyMap<string, string>): string {
	let out = text;
	for (const [from, to] of renamed) if (from !== to) out = out.split(`'${from}'`).join(`'${to}'`);
	return out;
}
