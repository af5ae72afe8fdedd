// Time from process start to the first frame that shows fleet data, in the
// demo (`proxdeck` with no host: simulator started in-process, HTTPS, token,
// first poll, first render). The console needs a terminal, so it runs under
// util-linux `script`, which gives it a pseudo-terminal; the frame is
// recognised by a guest name of the homelab fixture appearing in the output.
//
//   node --import tsx bench/startup.ts [runs]

import {spawn} from 'node:child_process';
import {fileURLToPath} from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(process.argv[2] ?? 5);
const marker = /plex/i;

function once(): Promise<number> {
	return new Promise((resolve, reject) => {
		const started = process.hrtime.bigint();
		const child = spawn('script', ['-qfec', `stty cols 120 rows 40; node ${process.env.PROXDECK_BENCH_ENTRY ?? 'bin/proxdeck.js'}`, '/dev/null'], {
			cwd: root,
			env: {...process.env, XDG_CONFIG_HOME: '/nonexistent', TERM: 'xterm-256color'},
			stdio: ['pipe', 'pipe', 'pipe'],
		});
		let seen = '';
		let done = false;
		const timeout = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error(`no fleet frame within 30 s; output so far: ${JSON.stringify(seen.slice(-400))}`));
		}, 30_000);
		child.stdout.on('data', (chunk: Buffer) => {
			if (done) return;
			seen += chunk.toString('utf8');
			if (marker.test(seen)) {
				done = true;
				const ms = Number(process.hrtime.bigint() - started) / 1e6;
				child.stdin.write('q');
				setTimeout(() => child.kill('SIGTERM'), 2000).unref();
				clearTimeout(timeout);
				resolve(ms);
			}
		});
		child.on('error', reject);
	});
}

const times: number[] = [];
for (let i = 0; i < runs; i++) times.push(await once());
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)]!;
console.log(`startup to first fleet frame (demo, ${runs} runs): median ${median.toFixed(0)} ms, min ${times[0]!.toFixed(0)} ms, max ${times.at(-1)!.toFixed(0)} ms`);
