// A function of one string memoised in a table that starts again when full:
// for values a poll or a frame asks for over and over (a guest's tag text, a
// cell's width), where a miss only costs the computation again.

export function boundedMemo<V>(limit: number, compute: (key: string) => V): (key: string) => V {
	const table = new Map<string, V>();
	return (key) => {
		let value = table.get(key);
		if (value === undefined) {
			value = compute(key);
			if (table.size >= limit) table.clear();
			table.set(key, value);
		}
		return value;
	};
}
