// Finds the upgrade controller of a store: the view tree gets only the store,
// and a run's state stays out of it (see controller.ts), like the logs service.

import type {StoreApi} from 'zustand/vanilla';
import type {AppState} from '../../store/types.js';
import type {UpgradeController} from './controller.js';

const controllers = new WeakMap<StoreApi<AppState>, UpgradeController>();

export function attachUpgrades(store: StoreApi<AppState>, controller: UpgradeController): void {
	controllers.set(store, controller);
}

export function upgradesOf(store: StoreApi<AppState>): UpgradeController | undefined {
	return controllers.get(store);
}
