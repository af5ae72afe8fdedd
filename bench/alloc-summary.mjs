// Summarises a profile from bench/alloc-profile.mjs: MB allocated in all, by
// the function that allocated, and by each function with what it called.
//
//   node bench/alloc-summary.mjs PROFILE [top=25]

import {readFileSync} from 'node:fs';

const [file, topArg] = process.argv.slice(2);
if (!file) {
	console.error('usage: node bench/alloc-summary.mjs PROFILE [top]');
	process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const self = new Map();
const inclusive = new Map();
let total = 0;
const label = (node) => `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.split('/').pop()}:${node.callFrame.lineNumber + 1}`;

function walk(node, stack) {
	const name = label(node);
	total += node.selfSize;
	self.set(name, (self.get(name) ?? 0) + node.selfSize);
	const path = [...stack, name];
	for (const frame of new Set(path)) inclusive.set(frame, (inclusive.get(frame) ?? 0) + node.selfSize);
	for (const child of node.children) walk(child, path);
}
walk(profile.head, []);

const mb = (bytes) => (bytes / 1e6).toFixed(2).padStart(8);
console.log(`${mb(total)} MB allocated in the sampled window`);
for (const [title, table] of [['by the allocating function', self], ['with what each called', inclusive]]) {
	console.log(`-- ${title}`);
	for (const [name, bytes] of [...table].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${mb(bytes)} ${name}`);
}
