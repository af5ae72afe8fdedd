// Turns a failure to reach a host into the one line the user reads before the
// console exits: what failed, where, and what to do about it. Never a stack
// trace, never a secret.

import {PveApiError} from '../api/errors.js';
import {errorLine} from '../services/error-line.js';

export function explainConnectError(error: unknown, target: string, identity: string): string {
	if (!(error instanceof PveApiError)) return `cannot open ${target}: ${errorLine(error)}`;
	const detail = errorLine(error);
	switch (error.kind) {
		case 'fingerprint':
		case 'tls':
		case 'network':
		case 'timeout':
			return detail.includes(target) ? detail : `${target}: ${detail}`;
		default:
			break;
	}
	if (error.status === 401) {
		return `${target} refused the credentials of ${identity} (401 ${detail}): check the token id and secret, or the user and password`;
	}
	if (error.status === 403) {
		return `${identity} may not read ${target} (403 ${detail}): give it at least the PVEAuditor role on /`;
	}
	return `${target} answered ${error.status || ''} ${detail}`.replace(/\s+/g, ' ').trim();
}
