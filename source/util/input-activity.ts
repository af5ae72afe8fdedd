// When the user last pressed a key. Streams that redraw on their own (a log
// pane following 1,000 lines a second) hold a redraw back for a moment after
// a key, so the key's frame is never queued behind a stream's: keys take
// priority over stream redraws (issue 12). A module-level clock, not store
// state: writing the store on every key would itself be a redraw.

let lastInput = -Infinity;

export function noteInput(at: number = performance.now()): void {
	lastInput = at;
}

/** Milliseconds since the last key (Infinity before the first). */
export function sinceInput(now: number = performance.now()): number {
	return now - lastInput;
}
