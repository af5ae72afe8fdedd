// Credentials for the SSH connection: an agent socket and/or a private key
// file. An encrypted key without a passphrase is reported as an 'auth' error
// up front (the CLI then prompts and passes a passphrase or a prompt
// function). Error messages name the key file, never its contents.

import {readFileSync} from 'node:fs';
import ssh2 from 'ssh2';
import {SshError} from './errors.js';

export interface SshCredentialOptions {
	/** Private key file (OpenSSH or PEM). */
	privateKeyPath?: string;
	/** The key's passphrase, or a prompt asked only when the key is encrypted. */
	passphrase?: string | (() => Promise<string>);
	/** Agent socket path, or true for $SSH_AUTH_SOCK. */
	agent?: string | boolean;
}

export interface SshCredentials {
	privateKey?: Buffer;
	passphrase?: string;
	agent?: string;
}

function isEncryptedWithoutPassphrase(parsed: ReturnType<typeof ssh2.utils.parseKey>): boolean {
	return parsed instanceof Error && /encrypted|passphrase/i.test(parsed.message);
}

export async function loadCredentials(options: SshCredentialOptions): Promise<SshCredentials> {
	const credentials: SshCredentials = {};
	const agent = options.agent === true ? process.env.SSH_AUTH_SOCK : options.agent || undefined;
	if (agent) credentials.agent = agent;
	if (options.privateKeyPath !== undefined) {
		const path = options.privateKeyPath;
		let data: Buffer;
		try {
			data = readFileSync(path);
		} catch (error) {
			throw new SshError('auth', `cannot read key file ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
		}
		let passphrase = typeof options.passphrase === 'string' ? options.passphrase : undefined;
		let parsed = ssh2.utils.parseKey(data, passphrase);
		if (isEncryptedWithoutPassphrase(parsed) && typeof options.passphrase === 'function') {
			passphrase = await options.passphrase();
			parsed = ssh2.utils.parseKey(data, passphrase);
		}
		if (parsed instanceof Error) {
			const reason = isEncryptedWithoutPassphrase(parsed)
				? passphrase === undefined ? 'it is encrypted and no passphrase was given' : 'wrong passphrase'
				: 'not a supported private key';
			throw new SshError('auth', `cannot use key file ${path}: ${reason}`);
		}
		credentials.privateKey = data;
		if (passphrase !== undefined) credentials.passphrase = passphrase;
	}
	if (!credentials.agent && !credentials.privateKey) {
		throw new SshError('auth', 'no SSH credentials: set SSH_AUTH_SOCK (ssh-agent) or give a key file');
	}
	return credentials;
}
