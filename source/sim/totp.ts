// TOTP as RFC 6238 defines it (HMAC-SHA1 over the 30-second time step, 6
// digits, the RFC 4226 dynamic truncation), with the secret in base32 as
// authenticator apps and Proxmox's TOTP entries hold it. Only the simulator
// checks codes; tests compute them with the same function.

import {createHmac, timingSafeEqual} from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 (case-insensitive, padding and spaces ignored); undefined for anything else. */
export function base32Decode(text: string): Buffer | undefined {
	const clean = text.replace(/[\s=]/g, '').toUpperCase();
	if (clean === '' || /[^A-Z2-7]/.test(clean)) return undefined;
	let bits = 0;
	let value = 0;
	const out: number[] = [];
	for (const char of clean) {
		value = (value << 5) | BASE32.indexOf(char);
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			out.push((value >>> bits) & 0xff);
		}
	}
	return Buffer.from(out);
}

/** RFC 4226 HOTP: the code for one counter value. */
export function hotp(key: Buffer, counter: number, digits = 6): string {
	const message = Buffer.alloc(8);
	message.writeBigUInt64BE(BigInt(counter));
	const mac = createHmac('sha1', key).update(message).digest();
	const offset = mac[mac.length - 1]! & 0x0f;
	const binary = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;
	return String(binary).padStart(digits, '0');
}

/** RFC 6238 TOTP at `nowMs` (30 s steps from the Unix epoch). */
export function totp(secretBase32: string, nowMs: number, step = 30, digits = 6): string {
	const key = base32Decode(secretBase32);
	if (!key) throw new Error('TOTP secret is not base32');
	return hotp(key, Math.floor(nowMs / 1000 / step), digits);
}

/** Accepts the current code and one step either side (clock skew), as Proxmox does. */
export function verifyTotp(secretBase32: string, code: string, nowMs: number, step = 30): boolean {
	const key = base32Decode(secretBase32);
	if (!key || !/^\d{6}$/.test(code)) return false;
	const counter = Math.floor(nowMs / 1000 / step);
	return [-1, 0, 1].some((delta) => timingSafeEqual(Buffer.from(hotp(key, counter + delta)), Buffer.from(code)));
}
