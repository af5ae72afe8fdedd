// The top of the Ink tree in a real terminal: tracks the terminal size (Ink 6
// does not re-render components on resize by itself) and hands it to the App,
// which never reads stdout directly so tests can choose any size.

import type {StoreApi} from 'zustand/vanilla';
import type {Keymap} from '../../keymaps/index.js';
import {App} from '../../views/App.js';
import {useTerminalSize} from '../../views/useTerminalSize.js';
import type {AppState} from '../store/types.js';
import type {Commands} from '../services/actions/commands.js';

export function ConsoleRoot(props: {store: StoreApi<AppState>; keymap: Keymap; stdout: NodeJS.WriteStream; onQuit: () => void; commands?: Commands}) {
	const size = useTerminalSize(props.stdout);
	return <App store={props.store} keymap={props.keymap} size={size} onQuit={props.onQuit} commands={props.commands} />;
}
