// Types for heap-flags.js (plain JavaScript: bin/ runs before any TypeScript loader).
export declare const HEAP_FLAGS: readonly string[];
/** Node options the console starts with (its #! line, npm start). */
export declare const NODE_FLAGS: readonly string[];
export declare function applyHeapFlags(v8: {setFlagsFromString(flag: string): void}, given: readonly string[]): void;
