import assert from 'node:assert/strict';
import {test} from 'node:test';
import fc from 'fast-check';
import {sanitize, sanitizeMultiline} from '../../source/util/sanitize.js';

test('the sequences a hostile guest would send are removed whole', () => {
	assert.equal(sanitize('\u001B]0;pwned\u0007plex'), 'plex'); // OSC retitle, BEL-terminated
	assert.equal(sanitize('\u001B]0;pwned\u001B\\plex'), 'plex'); // OSC, ST-terminated
	assert.equal(sanitize('a\u001B[2Jb\u001B[H'), 'ab'); // clear screen, cursor home
	assert.equal(sanitize('\u001BP+q544e\u001B\\x'), 'x'); // DCS query
	assert.equal(sanitize('ok\u001B[1;31mred\u001B[0m'), 'okred'); // SGR colours
	assert.equal(sanitize('\u001Bc reset'), ' reset'); // RIS full reset
	assert.equal(sanitize('\u001B(0box'), 'box'); // charset switch to line drawing
	assert.equal(sanitize('\u009B2Jc1'), 'c1'); // 8-bit CSI
	assert.equal(sanitize('\u009D0;t\u009Cz'), 'z'); // 8-bit OSC … ST
	assert.equal(sanitize('bell\u0007 bs\b cr\r'), 'bell bs cr');
	assert.equal(sanitize('tab\there'), 'tab  here');
	assert.equal(sanitize('Grüße 日本 ✓'), 'Grüße 日本 ✓');
});

test('sanitizeMultiline keeps line breaks and cleans each line', () => {
	assert.equal(sanitizeMultiline('one\r\ntwo\u001B[2J\nthree'), 'one\ntwo\nthree');
});

test('no input leaves an escape or control character behind', () => {
	fc.assert(
		fc.property(fc.string({unit: fc.integer({min: 0, max: 0x2ff}).map((c) => String.fromCharCode(c))}), (text) => {
			const clean = sanitize(text);
			assert.doesNotMatch(clean, /[\u0000-\u001F\u007F-\u009F]/);
		}),
		{numRuns: 2000},
	);
});

test('zero-width, bidi and other invisible format characters are dropped', () => {
	assert.equal(sanitize('a\u200Bb\u200Cc\u200Dd\u200Ee\u200Ff'), 'abcdef');
	assert.equal(sanitize('\u202Eexe.txt\u202C'), 'exe.txt'); // right-to-left override: the name would read backwards
	assert.equal(sanitize('\u202A\u202B\u202D\u2066\u2067\u2068x\u2069'), 'x');
	assert.equal(sanitize('\uFEFFword\u2060joiner\u2061\u2062\u2063\u2064'), 'wordjoiner');
	assert.equal(sanitize('soft\u00ADhyphen, tag\u{E0041}s, arabic\u0600mark'), 'softhyphen, tags, arabicmark');
	assert.equal(sanitize('line\u2028sep\u2029para'), 'lineseppara');
	assert.equal(sanitize('hangul\u115F\u3164\uFFA0filler\u034F'), 'hangulfiller'); // blank but not zero-width in every terminal
	// Visible text, including combining marks and emoji, is kept.
	assert.equal(sanitize('Grüße e\u0301 ✓ 🙂'), 'Grüße e\u0301 ✓ 🙂');
	assert.equal(sanitize('❤\uFE0F'), '❤'); // the variation selector goes: terminals disagree on its width
});

test('no input leaves a format (Cf) or default-ignorable character behind', () => {
	fc.assert(
		fc.property(fc.string({unit: 'binary'}), (text) => {
			assert.doesNotMatch(sanitize(text), /[\p{Cf}\p{Default_Ignorable_Code_Point}\u2028\u2029]/u);
		}),
		{numRuns: 2000},
	);
});
