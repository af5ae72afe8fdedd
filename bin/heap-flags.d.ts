// Types for heap-flags.js (plain JavaScript: bin/ runs before any TypeScript loader).
export declare const HEAP_FLAGS: readonly string[];
/** Node options the console starts with (its #! line, npm start). */
export declare const NODE_FLAGS: readonly string[];
/** For an in-process bench: a line naming the NODE_FLAGS it runs without, or undefined. */
export declare function nodeFlagsNote(execArgv: readonly string[], script: string): string | undefined;
export declare function applyHeapFlags(v8: {setFlagsFromString(flag: string): void}, given: readonly string[]): void;
