// Types for bundle-state.js (plain JavaScript: bin/ runs before any TypeScript loader).
export declare const bundlePath: (root: string) => string;
export declare const hasSources: (root: string) => boolean;
export declare function bundleIsFresh(root: string): boolean;
