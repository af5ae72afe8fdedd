// Renders per pane, counted where the deck draws a pane. The bench prints
// renders per pane per second and a test asserts that an idle fleet poll
// redraws the fleet pane and no other (issue 12). A counter per pane id is
// all it costs.

const renders = new Map<string, number>();

export function countPaneRender(id: string): void {
	renders.set(id, (renders.get(id) ?? 0) + 1);
}

/** Renders per pane id since the last reset. */
export function paneRenderCounts(): ReadonlyMap<string, number> {
	return new Map(renders);
}

export function resetPaneRenderCounts(): void {
	renders.clear();
}
