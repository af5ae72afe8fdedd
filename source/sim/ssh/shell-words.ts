// Splits the command string an SSH client sends into words the way a POSIX
// shell would for simple commands: single quotes (literal), double quotes
// (backslash escapes only \ " $ `), backslash outside quotes. The list
// operators `;`, `&&` and `||` become their own tokens so `sh -c` scripts
// like `apt-get update && apt-get -y dist-upgrade` can be sequenced.
// Variables, globs, pipes and redirections are not interpreted.

export type ShellToken = {word: string} | {op: ';' | '&&' | '||'};

export class ShellSyntaxError extends Error {}

export function tokenize(line: string): ShellToken[] {
	const tokens: ShellToken[] = [];
	let word = '';
	let inWord = false;
	const flush = () => {
		if (inWord) tokens.push({word});
		word = '';
		inWord = false;
	};
	for (let i = 0; i < line.length; i++) {
		const c = line[i]!;
		if (c === "'") {
			const end = line.indexOf("'", i + 1);
			if (end === -1) throw new ShellSyntaxError('Unterminated quoted string');
			word += line.slice(i + 1, end);
			inWord = true;
			i = end;
		} else if (c === '"') {
			inWord = true;
			let j = i + 1;
			for (; j < line.length && line[j] !== '"'; j++) {
				if (line[j] === '\\' && '\\"$`'.includes(line[j + 1] ?? '')) j++;
				word += line[j];
			}
			if (j >= line.length) throw new ShellSyntaxError('Unterminated quoted string');
			i = j;
		} else if (c === '\\') {
			i++;
			if (i < line.length && line[i] !== '\n') {
				word += line[i];
				inWord = true;
			}
		} else if (c === ' ' || c === '\t' || c === '\n') {
			flush();
		} else if (c === ';' || (c === '&' && line[i + 1] === '&') || (c === '|' && line[i + 1] === '|')) {
			flush();
			if (c === ';') tokens.push({op: ';'});
			else {
				tokens.push({op: c === '&' ? '&&' : '||'});
				i++;
			}
		} else {
			word += c;
			inWord = true;
		}
	}
	flush();
	return tokens;
}

export interface ShellStep {
	/** How this command joins the previous one (`;` for the first). */
	join: ';' | '&&' | '||';
	argv: string[];
}

/** A command list: `a; b && c || d` → steps with their joins. */
export function parseCommandList(line: string): ShellStep[] {
	const steps: ShellStep[] = [];
	let current: ShellStep = {join: ';', argv: []};
	for (const token of tokenize(line)) {
		if ('word' in token) {
			current.argv.push(token.word);
			continue;
		}
		if (current.argv.length === 0) throw new ShellSyntaxError(`Syntax error: "${token.op}" unexpected`);
		steps.push(current);
		current = {join: token.op, argv: []};
	}
	if (current.argv.length > 0) steps.push(current);
	else if (current.join !== ';') throw new ShellSyntaxError('Syntax error: end of file unexpected');
	return steps;
}
