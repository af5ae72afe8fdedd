// Types for heap-flags.js (plain JavaScript: bin/ runs before any TypeScript loader).
export declare const HEAP_FLAGS: readonly string[];
/** Node options the console starts with (its #! line, npm start). */
export declare const NODE_FLAGS: readonly string[];
/** The C allocator's settings the console starts with, as NAME=value (its #! line, npm start). */
export declare const ALLOCATOR_ENV: readonly string[];
/** For an in-process bench: a line naming the NODE_FLAGS and ALLOCATOR_ENV it runs without, or undefined. */
export declare function nodeFlagsNote(execArgv: readonly string[], script: string, env?: Record<string, string | undefined>): string | undefined;
export declare function applyHeapFlags(v8: {setFlagsFromString(flag: string): void}, given: readonly string[]): void;
