// Errors a handler raises; the server turns them into PVE-shaped responses
// (reason phrase = first line of the message, body {data:null,message}).

export class ApiError extends Error {
	constructor(
		readonly status: number,
		message: string,
		readonly errors?: Record<string, string>,
	) {
		super(message);
	}
}

/** What PVE's `die "...\n"` inside a handler becomes. */
export function handlerError(message: string): ApiError {
	return new ApiError(500, message);
}

export function paramError(errors: Record<string, string>): ApiError {
	return new ApiError(400, 'Parameter verification failed.', errors);
}
