// A tiny bounded-parallel map for the probes (config reads, index refreshes):
// at most `limit` at once, results in input order.

export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
	const results = new Array<R>(items.length);
	let next = 0;
	const worker = async () => {
		while (next < items.length) {
			const index = next++;
			results[index] = await fn(items[index]!);
		}
	};
	await Promise.all(Array.from({length: Math.max(1, Math.min(limit, items.length))}, worker));
	return results;
}
