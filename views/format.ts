// Display formatting shared by the table, header and detail panel. Widths are
// measured in terminal cells (string-width), so CJK names and emoji in guest
// names pad and truncate without breaking the column grid.

// Through our fast path for narrow text (source/util/string-width.ts says why).
import stringWidth from '../source/util/string-width.js';
import {boundedMemo} from '../source/util/bounded-memo.js';
import {wholePercent} from '../source/util/percent.js';
import wrapAnsi from 'wrap-ansi';

const UNITS = ['B', 'K', 'M', 'G', 'T', 'P'];

/** Binary units, PVE style: 512M, 1.5G, 4G, 0. One decimal below 10 units. */
export function formatBytes(bytes: number): string {
	if (!Number.isFinite(bytes) || bytes <= 0) return '0';
	let value = bytes;
	let unit = 0;
	while (value >= 1024 && unit < UNITS.length - 1) {
		value /= 1024;
		unit++;
	}
	const rounded = value < 10 ? Math.round(value * 10) / 10 : Math.round(value);
	// 1023.7M rounds to 1024M: show it as 1G instead.
	if (rounded >= 1024 && unit < UNITS.length - 1) return `1${UNITS[unit + 1]}`;
	return `${rounded}${UNITS[unit]}`;
}

/** MiB as PVE configs store memory/swap → human units. */
export function formatMiB(mib: number): string {
	return formatBytes(mib * 1024 * 1024);
}

/** A 0..1 fraction as a whole percentage, its floor (source/util/percent.ts): 0.456 → "45%". */
export function formatPercent(fraction: number): string {
	if (!Number.isFinite(fraction)) return '-';
	return `${wholePercent(fraction * 100)}%`;
}

/** Two most significant units: 3d 4h, 5h 12m, 7m 3s, 42s; "-" when not running. */
export function formatUptime(seconds: number): string {
	if (!Number.isFinite(seconds) || seconds <= 0) return '-';
	const s = Math.floor(seconds);
	const d = Math.floor(s / 86400);
	const h = Math.floor((s % 86400) / 3600);
	const m = Math.floor((s % 3600) / 60);
	if (d > 0) return `${d}d ${h}h`;
	if (h > 0) return `${h}h ${m}m`;
	if (m > 0) return `${m}m ${s % 60}s`;
	return `${s}s`;
}

/** Short duration: 12s, 3m, 2h, 4d. */
export function formatDuration(ms: number): string {
	const s = Math.max(0, Math.floor(ms / 1000));
	if (s < 60) return `${s}s`;
	if (s < 3600) return `${Math.floor(s / 60)}m`;
	if (s < 86400) return `${Math.floor(s / 3600)}h`;
	return `${Math.floor(s / 86400)}d`;
}

/** How long until formatDuration(ms) reads differently: when a pane showing that age must redraw. */
export function durationTick(ms: number): number {
	const unit = ms < 60_000 ? 1000 : ms < 3_600_000 ? 60_000 : ms < 86_400_000 ? 3_600_000 : 86_400_000;
	return unit - (Math.max(0, ms) % unit);
}

/**
 * A pane title's "when was this read": "just now" for the first minute, then
 * "3m ago" — so a compact pane redraws once a minute for its age, not every second.
 */
export function formatReadAge(ms: number): string {
	return ms < 60_000 ? 'just now' : formatAge(ms);
}

/** When formatReadAge(ms) next reads differently. */
export function readAgeTick(ms: number): number {
	return ms < 60_000 ? 60_000 - Math.max(0, ms) : durationTick(ms);
}

/** "12s ago". */
export function formatAge(ms: number): string {
	return `${formatDuration(ms)} ago`;
}

/** Widths of text that is not plain ASCII: string-width segments graphemes (slow), and cells repeat frame after frame. */
const wideWidth = boundedMemo(4096, stringWidth);

export function textWidth(text: string): number {
	// Plain ASCII is the common case and string-width is comparatively slow.
	return /^[\x20-\x7e]*$/.test(text) ? text.length : wideWidth(text);
}

/** Cuts `text` to at most `width` cells, ending in `…` when anything was cut. */
export function truncate(text: string, width: number): string {
	if (width <= 0) return '';
	if (textWidth(text) <= width) return text;
	let out = '';
	let used = 0;
	for (const ch of text) {
		// Per character: printable ASCII is one cell without asking string-width (measured hot at 10,000 guests).
		const code = ch.codePointAt(0)!;
		const w = code >= 0x20 && code < 0x7f ? 1 : wideWidth(ch);
		if (used + w > width - 1) break;
		out += ch;
		used += w;
	}
	return `${out}…`;
}

/**
 * `text` broken into lines of at most `width` cells, at spaces where it can
 * (a word longer than a line is split): for text that explains a
 * consequence, which must be read whole, never cut.
 */
export function wrapLines(text: string, width: number): string[] {
	if (width <= 0) return [];
	return wrapAnsi(text, width, {hard: true, trim: true}).split('\n');
}

/** Exactly `width` cells: truncated with `…` or padded with spaces. */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
	const cut = truncate(text, width);
	const pad = ' '.repeat(Math.max(0, width - textWidth(cut)));
	return align === 'right' ? pad + cut : cut + pad;
}

/** "2026-11-23 14:05" in local time, "" without a time (snapshots, backups). */
export function snapTime(epochSeconds: number | undefined): string {
	if (epochSeconds === undefined) return '';
	const d = new Date(epochSeconds * 1000);
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
