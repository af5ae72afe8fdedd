// The bytes of JSON's structure, for the readers that find entries in an
// answer's bytes (data-list.ts) and read flat entries from them (flat-entry.ts).

export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const COMMA = 0x2c;
export const COLON = 0x3a;
export const OPEN_BRACE = 0x7b;
export const CLOSE_BRACE = 0x7d;
export const OPEN_BRACKET = 0x5b;
export const CLOSE_BRACKET = 0x5d;

/** JSON's whitespace: space, line feed, carriage return, tab. */
export function isSpace(c: number | undefined): boolean {
	return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** The index of the first byte at or after `i` (before `end`) that is not JSON whitespace. */
export function skipSpace(bytes: Uint8Array, i: number, end: number = bytes.length): number {
	while (i < end && isSpace(bytes[i])) i++;
	return i;
}
