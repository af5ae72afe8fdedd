// The simulator's TLS certificates, laid out as a Proxmox cluster's: one
// cluster CA (pve-root-ca.pem, "PVE Cluster Manager CA") and, for each node,
// its own pve-ssl.pem signed by that CA. A client can therefore trust the
// cluster by its CA or pin each node by that node's fingerprint — and a
// client that pins one node's certificate is refused by the others.
// Generated in memory at every start (nothing cached on disk). The RSA keys
// come from node:crypto (native, never slow); node-forge builds and signs
// the X.509 certificates (node:crypto cannot sign one).

import {generateKeyPair, generateKeyPairSync, randomBytes, X509Certificate} from 'node:crypto';
import forge from 'node-forge';

export interface ClusterCa {
	certPem: string;
	keyPem: string;
}

export interface SimCertificate {
	certPem: string;
	keyPem: string;
	/** SHA-256 of the DER certificate, `AB:CD:…` uppercase. */
	fingerprint: string;
	/** The cluster CA that signed it (its key signs the other nodes' certificates). */
	ca: ClusterCa;
}

const DAY_MS = 86_400_000;

interface KeyPair {
	privateKey: string;
	publicKey: string;
}

const RSA_OPTIONS = {
	modulusLength: 2048,
	privateKeyEncoding: {type: 'pkcs1', format: 'pem'},
	publicKeyEncoding: {type: 'spki', format: 'pem'},
} as const;

function rsaKeys(): KeyPair {
	return generateKeyPairSync('rsa', RSA_OPTIONS);
}

/** On libuv's thread pool: the CA's and the nodes' keys are made side by side, not one after the other. */
function rsaKeysAsync(): Promise<KeyPair> {
	return new Promise((resolve, reject) => generateKeyPair('rsa', RSA_OPTIONS, (error, publicKey, privateKey) => (error ? reject(error) : resolve({publicKey, privateKey}))));
}

function serial(): string {
	return serialOf(randomBytes(16));
}

/**
 * A certificate serial from 16 random bytes: positive (first bit clear) and
 * 16 bytes long, as Proxmox's openssl-made serials. Its first byte is never 0:
 * DER writes an INTEGER in its fewest bytes, and a leading 0x00 before a byte
 * under 0x80 is padding that OpenSSL refuses ("illegal padding"): 1 node
 * certificate in 256 could not be read back (a failover test failed so).
 */
export function serialOf(bytes: Buffer): string {
	const out = Buffer.from(bytes);
	out[0] = out[0]! & 0x7f || 0x01;
	return out.toString('hex');
}

function sign(cert: forge.pki.Certificate, keyPem: string): string {
	cert.sign(forge.pki.privateKeyFromPem(keyPem), forge.md.sha256.create());
	return forge.pki.certificateToPem(cert);
}

/** pve-root-ca.pem: CN "Proxmox Virtual Environment", O "PVE Cluster Manager CA", ten years. */
export function generateClusterCa(keys: KeyPair = rsaKeys()): ClusterCa {
	const {privateKey, publicKey} = keys;
	const cert = forge.pki.createCertificate();
	cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
	cert.serialNumber = serial();
	cert.validity.notBefore = new Date(Date.now() - DAY_MS);
	cert.validity.notAfter = new Date(Date.now() + 3650 * DAY_MS);
	const subject = [
		{name: 'commonName', value: 'Proxmox Virtual Environment'},
		{shortName: 'OU', value: `${randomBytes(16).toString('hex')}`},
		{name: 'organizationName', value: 'PVE Cluster Manager CA'},
	];
	cert.setSubject(subject);
	cert.setIssuer(subject);
	cert.setExtensions([
		{name: 'basicConstraints', cA: true, critical: true},
		{name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true},
		{name: 'subjectKeyIdentifier'},
	]);
	return {certPem: sign(cert, privateKey), keyPem: privateKey};
}

/** A node's pve-ssl.pem: CN "<node>.localdomain", O/OU "PVE Cluster Node", issued by the cluster CA, two years. */
export function generateNodeCertificate(nodeName: string, ca: ClusterCa, keys: KeyPair = rsaKeys()): SimCertificate {
	const {privateKey, publicKey} = keys;
	const caCert = forge.pki.certificateFromPem(ca.certPem);
	const cert = forge.pki.createCertificate();
	cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
	cert.serialNumber = serial();
	cert.validity.notBefore = new Date(Date.now() - DAY_MS);
	cert.validity.notAfter = new Date(Date.now() + 730 * DAY_MS);
	cert.setSubject([
		{name: 'commonName', value: `${nodeName}.localdomain`},
		{name: 'organizationName', value: 'PVE Cluster Node'},
		{shortName: 'OU', value: 'PVE Cluster Node'},
	]);
	cert.setIssuer(caCert.subject.attributes);
	cert.setExtensions([
		{name: 'basicConstraints', cA: false},
		{name: 'keyUsage', digitalSignature: true, keyEncipherment: true, nonRepudiation: true},
		{name: 'extKeyUsage', serverAuth: true},
		// Every node of the simulator listens on loopback, so 127.0.0.1 is in each one's names.
		{name: 'subjectAltName', altNames: [{type: 7, ip: '127.0.0.1'}, {type: 2, value: 'localhost'}, {type: 2, value: nodeName}, {type: 2, value: `${nodeName}.localdomain`}]},
		{name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes()},
	]);
	const certPem = sign(cert, ca.keyPem);
	const fingerprint = new X509Certificate(certPem).fingerprint256.toUpperCase();
	return {certPem, keyPem: privateKey, fingerprint, ca};
}

/** One node's certificate with a fresh cluster CA (a standalone node has its own CA as well). */
export function generateCertificate(nodeName: string): SimCertificate {
	return generateNodeCertificate(nodeName, generateClusterCa());
}

/**
 * A cluster CA and the certificates of `nodeNames` (signed by `ca` when given,
 * else by a fresh CA), every key made at once: a start costs about one key
 * generation, not one per certificate.
 */
export async function generateClusterCertificates(nodeNames: string[], ca?: ClusterCa): Promise<SimCertificate[]> {
	const [caKeys, ...nodeKeys] = await Promise.all([ca ? undefined : rsaKeysAsync(), ...nodeNames.map(() => rsaKeysAsync())]);
	const signer = ca ?? generateClusterCa(caKeys);
	return nodeNames.map((name, i) => generateNodeCertificate(name, signer, nodeKeys[i]));
}
