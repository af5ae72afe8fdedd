// A loopback port nobody listens on right now: for a server a test starts
// itself, or as an "unreachable" address (a closed loopback port).

import {createServer} from 'node:net';

export function freeLoopbackPort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const {port} = server.address() as {port: number};
			server.close(() => resolve(port));
		});
	});
}
