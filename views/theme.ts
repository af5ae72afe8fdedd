// Semantic colour tokens: components name a meaning (danger, muted …), never a
// colour, so a skin can change the palette in one place.

export const theme = {
	ok: 'green',
	warn: 'yellow',
	danger: 'red',
	muted: 'gray',
	accent: 'cyan',
	/** The selected table row is drawn inverse rather than in a colour. */
	selection: {inverse: true},
} as const;

export type Tone = 'ok' | 'warn' | 'danger' | 'muted' | 'accent';

export function toneColor(tone: Tone | undefined): string | undefined {
	return tone === undefined ? undefined : theme[tone];
}

/** A usage at or above this percent is drawn in `danger` (CPU, memory, disk). */
export const HOT_PERCENT = 90;

/** Row colour by guest status: running reads normally, stopped fades, anything else warns. */
export function statusTone(status: string): Tone | undefined {
	if (status === 'running') return undefined;
	if (status === 'stopped') return 'muted';
	return 'warn';
}
