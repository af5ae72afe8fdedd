// Asks for a password on the terminal without echoing it, before the console
// takes over the screen. Ctrl+C cancels.

export function promptHidden(question: string, input: NodeJS.ReadStream = process.stdin, output: NodeJS.WriteStream = process.stderr): Promise<string | undefined> {
	return new Promise((resolve) => {
		if (!input.isTTY) {
			resolve(undefined);
			return;
		}
		output.write(question);
		let typed = '';
		const wasRaw = input.isRaw;
		input.setRawMode(true);
		input.resume();
		const finish = (value: string | undefined) => {
			input.off('data', onData);
			input.setRawMode(wasRaw);
			input.pause();
			output.write('\n');
			resolve(value);
		};
		const onData = (chunk: Buffer) => {
			for (const char of chunk.toString('utf8')) {
				if (char === '\r' || char === '\n') return finish(typed);
				if (char === '\u0003' || char === '\u0004') return finish(undefined);
				if (char === '\u007F' || char === '\b') typed = typed.slice(0, -1);
				else if (char >= ' ') typed += char;
			}
		};
		input.on('data', onData);
	});
}
