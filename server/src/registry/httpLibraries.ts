/**
 * The third-party code that registry traffic needs, and nothing else: the parts of undici the transport uses
 * (transport.ts) and the Public Suffix List's `getDomain` (tldts, for tokenRealm.ts). The CLI's build puts this
 * module in a file of its own, dist/httpLibraries.js, that dist/cli.js requires the first time a command goes
 * online (scripts/build.mjs): 0.45 MB that every `lint --offline` start no longer reads. On the benchmark VM,
 * where touching a page of fresh memory costs about 15 µs, reading the 1 MB bundle took 9 ms and the smaller
 * one 5 ms; `lint --offline` of an empty folder, 80 paired runs: 0.971x wall (issue 12). Nothing here keeps
 * state of ours (the log's redaction registry, the credential gates): two bundles sharing it would each have
 * their own copy. bin/replicated-registries gives this file its own V8 code cache, as it does the CLI's.
 *
 * undici's parts are required from their own files instead of undici's index: the index also builds fetch,
 * WebSocket, EventSource, the cache API, cookies and the mocks when it loads, none of which the transport uses.
 * Measured (issue 12): undici in the CLI bundle 535 → 311 KB, and loading it (from a code cache) about 75 → 47 ms,
 * which every online `lint` and every language server's first registry check pays.
 *
 * These are undici's internal paths, not its API: undici is pinned to one version (package.json), the bundler fails
 * the build when a path is gone, the integration tests drive these parts against a real registry (TLS, tokens,
 * redirects), and a unit test through an HTTP proxy (test/unit/registryClient.test.ts). `request` is what undici's own
 * `request(url, options)` does with a dispatcher given: its options with the URL's origin and path, sent through that
 * dispatcher.
 */
import type { Agent as UndiciAgent, Dispatcher, EnvHttpProxyAgent as UndiciEnvHttpProxyAgent } from 'undici';

/* eslint-disable @typescript-eslint/no-require-imports */
const DispatcherClass = require('undici/lib/dispatcher/dispatcher') as { prototype: object };
// What undici's index does first of all, and its one change to shared state: every dispatcher gets the
// request API (request, stream, pipeline, upgrade, connect). The proxy agent relies on it (its client's
// `connect`), and so does `request` below.
Object.assign(DispatcherClass.prototype, require('undici/lib/api') as object);
export const Agent = require('undici/lib/dispatcher/agent') as typeof UndiciAgent;
export const EnvHttpProxyAgent = require('undici/lib/dispatcher/env-http-proxy-agent') as typeof UndiciEnvHttpProxyAgent;
/* eslint-enable @typescript-eslint/no-require-imports */

export { getDomain } from 'tldts';

/** One request through `dispatcher` to `url` (absolute). */
export function request(url: string, options: Omit<Dispatcher.RequestOptions, 'origin' | 'path'> & { dispatcher: Dispatcher }): Promise<Dispatcher.ResponseData> {
  const { dispatcher, ...rest } = options;
  const target = new URL(url);
  return dispatcher.request({ ...rest, origin: target.origin, path: target.search ? `${target.pathname}${target.search}` : target.pathname });
}
