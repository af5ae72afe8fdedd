// The two parts of undici proxdeck uses: the Agent (its pools of keep-alive
// connections, dispatch()) and the TLS connector. undici's index also loads
// fetch, WebSocket, EventSource, its cache, cookies, mocks and interceptors,
// all before the fleet's first request can leave (issue 12: ~25 ms of the
// first 110 in a start's profile). These files are undici's own, required by
// its index the same way; undici 6 has no "exports" map that would forbid it.
// Their types are the index's (undici-modules.d.ts).

import Agent from 'undici/lib/dispatcher/agent.js';
import buildConnector from 'undici/lib/core/connect.js';

export {Agent, buildConnector};
