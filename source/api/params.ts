// Proxmox parameter encoding, shared by query strings (GET/DELETE) and
// form bodies (POST/PUT): booleans are 1/0 (the schema rejects "true"),
// arrays repeat the key, null/undefined are left out (Proxmox treats a
// present-but-empty key differently from an absent one).

export function encodeParams(params: Record<string, unknown> | undefined): URLSearchParams {
	const encoded = new URLSearchParams();
	if (!params) return encoded;
	for (const [key, value] of Object.entries(params)) {
		for (const item of Array.isArray(value) ? value : [value]) {
			if (item === undefined || item === null) continue;
			encoded.append(key, encodeValue(item));
		}
	}
	return encoded;
}

function encodeValue(value: unknown): string {
	if (value === true) return '1';
	if (value === false) return '0';
	if (typeof value === 'object') return JSON.stringify(value);
	return String(value);
}
