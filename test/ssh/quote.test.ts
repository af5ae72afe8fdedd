import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {test} from 'node:test';
import fc from 'fast-check';
import {quoteArgv, quoteWord} from '../../source/ssh/quote.js';
import {tokenize} from '../../source/sim/ssh/shell-words.js';

const HOSTILE = [
	`it's`, `'`, `''`, `"`, `$(touch /tmp/pwned)`, '`id`', `a b`, `;rm -rf /`, `&& echo hi`, `| cat`, `\\`, `\\'`,
	`$HOME`, `*`, `~root`, `{a,b}`, `\n`, `line1\nline2`, `tab\there`, '', ' ', `-n`, `--`, `#comment`, `!event`, `\x1b[2J`, 'ünïcødé ✓',
];

/** What a real POSIX shell makes of the quoted command line: each word NUL-terminated. */
function throughShell(argv: string[]): string[] {
	const out = execFileSync('sh', ['-c', `printf '%s\\0' ${quoteArgv(argv)}`], {encoding: 'utf8'});
	return out.split('\0').slice(0, -1);
}

test('hostile words survive a real shell unchanged', () => {
	assert.deepEqual(throughShell(HOSTILE), HOSTILE);
});

test('any NUL-free argv round-trips through sh (property)', () => {
	fc.assert(fc.property(fc.array(fc.string({unit: 'grapheme', maxLength: 12}).filter((s) => !s.includes('\0')), {minLength: 1, maxLength: 5}), (argv) => {
		assert.deepEqual(throughShell(argv), argv);
	}), {numRuns: 20});
});

test("the simulator's tokenizer reads quoted argv back exactly", () => {
	fc.assert(fc.property(fc.array(fc.string().filter((s) => !s.includes('\0')), {minLength: 1, maxLength: 6}), (argv) => {
		assert.deepEqual(tokenize(quoteArgv(argv)).map((t) => ('word' in t ? t.word : t.op)), argv);
	}));
});

test('safe words stay bare, others are single-quoted', () => {
	assert.equal(quoteArgv(['pct', 'exec', '101', '--', 'journalctl', '-n', '200']), 'pct exec 101 -- journalctl -n 200');
	assert.equal(quoteWord(`it's`), `'it'\\''s'`);
	assert.equal(quoteWord(''), `''`);
});

test('argv with a NUL byte or no words is refused', () => {
	assert.throws(() => quoteArgv(['echo', 'a\0b']), /NUL/);
	assert.throws(() => quoteArgv([]), /empty/);
});
