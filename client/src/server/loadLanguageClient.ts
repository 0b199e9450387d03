/**
 * Loads dist/languageClient.js (see languageClientBundle.ts) next to this bundle: a run-time require
 * that esbuild leaves alone, so the language client stays out of dist/client.js.
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';

export type LanguageClientBundle = typeof import('./languageClientBundle');
export type Protocol = LanguageClientBundle['protocol'];

let loaded: LanguageClientBundle | undefined;

export function loadLanguageClient(): LanguageClientBundle {
  if (!loaded) {
    const requireFromHere = createRequire(__filename);
    loaded = requireFromHere(path.join(__dirname, 'languageClient.js')) as LanguageClientBundle;
  }
  return loaded;
}
