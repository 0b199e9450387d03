/**
 * The product version: package.json's, injected by esbuild (`define` in scripts/build.mjs) into every
 * bundle, so the CLI (`--version`, SARIF), the language server (`serverInfo`) and the VSIX built from the
 * same package.json can never disagree. Sources run unbundled (unit tests through tsx) say so instead.
 */
declare const __VERSION__: string | undefined;

export const VERSION: string = typeof __VERSION__ === 'string' ? __VERSION__ : '0.0.0-unbundled';
