// ed25519 key pairs for throwaway keys (the simulator's host key, the demo's
// client key). ssh2's generateKeyPairSync('ed25519') occasionally drops a
// leading zero byte of the public key (measured: about 1 key in 200), and ssh2
// itself then rejects it as "Malformed OpenSSH public key"; such a pair is
// simply generated again.

import ssh2 from 'ssh2';

export interface KeyPair {
	/** OpenSSH private key (PEM). */
	private: string;
	/** `ssh-ed25519 AAAA… comment`. */
	public: string;
}

export function generateEd25519(attempts = 20): KeyPair {
	for (let i = 0; i < attempts; i++) {
		const pair = ssh2.utils.generateKeyPairSync('ed25519');
		if (!(ssh2.utils.parseKey(pair.public) instanceof Error) && !(ssh2.utils.parseKey(pair.private) instanceof Error)) return pair;
	}
	throw new Error(`could not generate a usable ed25519 key in ${attempts} attempts`);
}
