// Lets programs outside the simulator process run simulated commands against
// its live state: a Unix-socket server here, and relay-client.mjs (plain JS,
// so it starts in milliseconds without tsx) on the other side. The real-sshd
// test puts `pct`, `journalctl`, `zfs`, `zpool` wrappers on sshd's PATH that
// exec the client, so a real OpenSSH session answers from the same state as
// the simulator's API and SSH side.
//
// Protocol (one connection per command): the client sends one JSON line
// `{"argv": [...]}`; the server answers with lines `O<base64>` (stdout),
// `E<base64>` (stderr) and finally `X<code>`. The client closing the
// connection kills the command.

import {rmSync} from 'node:fs';
import {createServer, type Socket} from 'node:net';
import {packagePath} from '../../util/package-root.js';
import {spawnSim, type SimShellOptions} from './commands.js';

/** Absolute path of the client script to exec from wrappers. */
export const RELAY_CLIENT = packagePath('source', 'sim', 'ssh', 'relay-client.mjs');

export interface CommandRelay {
	socketPath: string;
	close(): Promise<void>;
}

function serve(socket: Socket, options: SimShellOptions): void {
	let request = '';
	let started = false;
	socket.on('error', () => {});
	socket.on('data', (chunk: Buffer) => {
		if (started) return;
		request += chunk.toString('utf8');
		const newline = request.indexOf('\n');
		if (newline === -1) return;
		started = true;
		let argv: unknown;
		try {
			argv = (JSON.parse(request.slice(0, newline)) as {argv?: unknown}).argv;
		} catch {
			argv = undefined;
		}
		if (!Array.isArray(argv) || !argv.every((a) => typeof a === 'string')) {
			socket.end(`E${Buffer.from('relay: bad request\n').toString('base64')}\nX255\n`);
			return;
		}
		const send = (tag: string, text: string) => socket.writable && socket.write(`${tag}${Buffer.from(text, 'utf8').toString('base64')}\n`);
		const process = spawnSim(options, argv as string[], {stdout: (t) => send('O', t), stderr: (t) => send('E', t)});
		socket.on('close', () => process.kill());
		// A rejected exit is an injected dropped channel: end the connection with no status.
		void process.exit.then((code) => socket.writable && socket.end(`X${code}\n`), () => socket.destroy());
	});
}

export async function startCommandRelay(socketPath: string, options: SimShellOptions): Promise<CommandRelay> {
	rmSync(socketPath, {force: true});
	const server = createServer((socket) => serve(socket, options));
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(socketPath, () => resolve());
	});
	return {
		socketPath,
		close: () => new Promise((resolve) => server.close(() => resolve())),
	};
}
