#!/usr/bin/env node
// Client side of relay.ts: `relay-client.mjs <socket> <argv…>` runs argv in
// the simulator and behaves like that command (output, exit code). Plain JS on
// purpose: wrapper scripts exec it for every command, so it must start fast.
import {connect} from 'node:net';

const [socketPath, ...argv] = process.argv.slice(2);
const socket = connect(socketPath);
let buffer = '';
let code = 255;
socket.on('connect', () => socket.write(`${JSON.stringify({argv})}\n`));
socket.on('data', (chunk) => {
	buffer += chunk.toString('utf8');
	let newline;
	while ((newline = buffer.indexOf('\n')) !== -1) {
		const line = buffer.slice(0, newline);
		buffer = buffer.slice(newline + 1);
		const payload = line.slice(1);
		if (line[0] === 'O') process.stdout.write(Buffer.from(payload, 'base64'));
		else if (line[0] === 'E') process.stderr.write(Buffer.from(payload, 'base64'));
		else if (line[0] === 'X') code = Number(payload);
	}
});
socket.on('error', (error) => {
	process.stderr.write(`relay: ${error.message}\n`);
	process.exit(255);
});
socket.on('close', () => process.stdout.write('', () => process.exit(code)));
// A closed SSH channel (EPIPE) or a signal ends the command: closing the socket kills it remotely.
process.stdout.on('error', () => socket.destroy());
for (const signal of ['SIGTERM', 'SIGHUP', 'SIGINT']) process.on(signal, () => process.exit(128 + (signal === 'SIGTERM' ? 15 : signal === 'SIGHUP' ? 1 : 2)));
