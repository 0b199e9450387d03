/**
 * The `yaml` package, loaded on its first use rather than when the bundle starts: most files are read by the fast
 * scanner alone (fastScanner.ts) and a registries file without problems by its fast path
 * (store/registriesFile/parse.ts), so a `lint` of ordinary manifests never needs it. Initializing its modules (and the
 * `process` built-in its composer requires) was most of the 9.6 ms `lint` spent starting its modules; 2 ms without it
 * (issue 12, median of phase marks in a fresh process). The modules a `lint` loads reach `yaml` only through here
 * (`import type` is free); test/unit/lintStartup.test.ts checks that such a `lint` loads none of it. The registries
 * file's editor (store/registriesFile/edit.ts), which builds `yaml` nodes throughout, imports it directly: `registry
 * add` and the language server need it anyway.
 */
export function yamlLibrary(): typeof import('yaml') {
  // A require() inside a function: the bundler keeps the package's initialization until this first call,
  // and both the bundle's and Node's module caches make the calls after it a lookup.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('yaml') as typeof import('yaml');
}
