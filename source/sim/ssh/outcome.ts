/** What a finished simulated command produced. */
export interface CommandOutcome {
	code: number;
	stdout: string;
	stderr: string;
}
