// How a finished task went, from its exit status.

/** "OK" and "WARNINGS: n" are successes (pve-api.md §3 Tasks). */
export function isTaskSuccess(exitstatus: string | undefined): boolean {
	return exitstatus === 'OK' || (exitstatus ?? '').startsWith('WARNINGS');
}
