// Turning argv into the single command string SSH carries. The remote side
// hands that string to the login shell, so every word is POSIX single-quoted:
// inside single quotes nothing is special except the quote itself, which is
// written as '\'' (close, escaped quote, reopen). Plain safe words are left
// bare so commands stay readable in logs.

const SAFE_WORD = /^[A-Za-z0-9_\-+=.,/:@%]+$/;

export function quoteWord(word: string): string {
	if (word.length > 0 && SAFE_WORD.test(word)) return word;
	return `'${word.replace(/'/g, `'\\''`)}'`;
}

export function quoteArgv(argv: readonly string[]): string {
	if (argv.length === 0) throw new Error('empty argv');
	for (const word of argv) {
		// A NUL cannot travel through a C string on the remote side; refuse instead of truncating.
		if (word.includes('\0')) throw new Error('argv contains a NUL byte');
	}
	return argv.map(quoteWord).join(' ');
}
