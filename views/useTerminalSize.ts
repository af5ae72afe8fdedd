// Ink 6 re-lays out on resize but does not re-render components, so the size
// is React state fed by stdout's 'resize' event.

import {useEffect, useState} from 'react';

export interface TerminalSize {
	columns: number;
	rows: number;
}

function read(stdout: NodeJS.WriteStream): TerminalSize {
	return {columns: stdout.columns || 80, rows: stdout.rows || 24};
}

export function useTerminalSize(stdout: NodeJS.WriteStream): TerminalSize {
	const [size, setSize] = useState(() => read(stdout));
	useEffect(() => {
		const onResize = () => {
			const next = read(stdout);
			setSize((prev) => (prev.columns === next.columns && prev.rows === next.rows ? prev : next));
		};
		stdout.on('resize', onResize);
		onResize();
		return () => {
			stdout.off('resize', onResize);
		};
	}, [stdout]);
	return size;
}
