// The simulator's TLS certificate: self-signed like a fresh node's
// pve-ssl.pem, generated in memory at every start (nothing cached on disk).
// The RSA key comes from node:crypto (native, never slow even where
// node-forge would fall back to pure JS); selfsigned builds and signs the cert.
// Measured: ~0.2 s per start on the dev box, so nothing is cached on disk.

import {generateKeyPairSync, X509Certificate} from 'node:crypto';
import selfsigned from 'selfsigned';

export interface SimCertificate {
	certPem: string;
	keyPem: string;
	/** SHA-256 of the DER certificate, `AB:CD:…` uppercase. */
	fingerprint: string;
}

export function generateCertificate(nodeName: string): SimCertificate {
	const {privateKey, publicKey} = generateKeyPairSync('rsa', {
		modulusLength: 2048,
		privateKeyEncoding: {type: 'pkcs1', format: 'pem'},
		publicKeyEncoding: {type: 'spki', format: 'pem'},
	});
	const attrs = [
		{name: 'commonName', value: `${nodeName}.localdomain`},
		{name: 'organizationName', value: 'PVE Cluster Node'},
		{shortName: 'OU', value: 'PVE Cluster Node'},
	];
	const options = {
		days: 730,
		keySize: 2048,
		algorithm: 'sha256',
		keyPair: {privateKey, publicKey},
		extensions: [
			{name: 'basicConstraints', cA: false},
			{name: 'keyUsage', digitalSignature: true, keyEncipherment: true, nonRepudiation: true},
			{name: 'extKeyUsage', serverAuth: true},
			{name: 'subjectAltName', altNames: [{type: 7, ip: '127.0.0.1'}, {type: 2, value: 'localhost'}, {type: 2, value: nodeName}]},
		],
	};
	const result = selfsigned.generate(attrs, options as Parameters<typeof selfsigned.generate>[1]);
	const fingerprint = new X509Certificate(result.cert).fingerprint256.toUpperCase();
	return {certPem: result.cert, keyPem: privateKey, fingerprint};
}
