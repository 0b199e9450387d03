/**
 * Loads dist/clientEngine.js (see clientEngine.ts) next to this bundle. A runtime require that
 * esbuild leaves alone, so the engine stays out of dist/client.js.
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';

export type ClientEngine = typeof import('./clientEngine');

let loaded: ClientEngine | undefined;

export function loadClientEngine(): ClientEngine {
  if (!loaded) {
    const requireFromHere = createRequire(__filename);
    loaded = requireFromHere(path.join(__dirname, 'clientEngine.js')) as ClientEngine;
  }
  return loaded;
}
