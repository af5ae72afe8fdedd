// Sparklines from rrddata: one block character per cell (▁▂▃▄▅▆▇█), each cell
// the average of the points that fall in it, scaled to a fixed top (1 for CPU
// and memory fractions) or to the series' own peak (rates). A cell with no
// data is a blank, so a gap in the archive shows as one.

import type {PulsePoint, PulseSeries} from '../source/store/nodes-slice.js';
import {formatBytes} from './format.js';

export const BLOCKS = '▁▂▃▄▅▆▇█';

/** `values` squeezed into at most `width` cells; `top` is the value drawn as █ (default: the largest). */
export function sparkline(values: ReadonlyArray<number | undefined>, width: number, top?: number): string {
	if (width <= 0 || values.length === 0) return '';
	const cells = Math.min(width, values.length);
	const averages: Array<number | undefined> = [];
	for (let i = 0; i < cells; i++) {
		const slice = values.slice(Math.floor((i * values.length) / cells), Math.floor(((i + 1) * values.length) / cells)).filter((v): v is number => v !== undefined && Number.isFinite(v));
		averages.push(slice.length === 0 ? undefined : slice.reduce((a, b) => a + b, 0) / slice.length);
	}
	const peak = top ?? Math.max(0, ...averages.filter((v): v is number => v !== undefined));
	return averages
		.map((v) => {
			if (v === undefined) return ' ';
			if (peak <= 0) return BLOCKS[0];
			return BLOCKS[Math.max(0, Math.min(BLOCKS.length - 1, Math.floor((v / peak) * BLOCKS.length)))];
		})
		.join('');
}

export type PulseMetric = Exclude<keyof PulsePoint, 'time'>;

/** The metric's sparkline over a series (fractions against 1, rates against their own peak). */
export function pulseLine(series: PulseSeries | undefined, metric: PulseMetric, width: number): string {
	if (!series || series.points.length === 0) return '';
	const values = series.points.map((p) => p[metric]);
	return sparkline(values, width, metric === 'cpu' || metric === 'mem' ? 1 : undefined);
}

/** The newest value the series has for a metric. */
export function latest(series: PulseSeries | undefined, metric: PulseMetric): number | undefined {
	const points = series?.points ?? [];
	for (let i = points.length - 1; i >= 0; i--) if (points[i]![metric] !== undefined) return points[i]![metric];
	return undefined;
}

/** "1.2M/s", a rate as the sparkline's caption. */
export function formatRate(bytesPerSecond: number | undefined): string {
	return bytesPerSecond === undefined ? '-' : `${formatBytes(bytesPerSecond)}/s`;
}
