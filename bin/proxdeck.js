#!/usr/bin/env node
// proxdeck ships its TypeScript sources and runs them through tsx's loader, so
// what runs is exactly what is tested (no separate build step to forget).
import {register} from 'tsx/esm/api';

// React's development build diffs props on every render for its profiler;
// measured at 5,000 guests it made a sort take over a second. Set before React loads.
process.env.NODE_ENV ??= 'production';
register();
const {main} = await import('../source/cli/main.tsx');
const code = await main(process.argv.slice(2));
// Open handles (keep-alive sockets, timers) must not keep a finished console alive.
process.exit(code);
