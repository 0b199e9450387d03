// The CLI's registry-traffic libraries (undici's parts and tldts: server/src/registry/httpLibraries.ts) kept
// out of dist/cli.js: its imports of that module become a run-time require of dist/httpLibraries.js, built
// beside it, which the CLI reads the first time a command goes online. `lint --offline` then never reads those
// 0.45 MB (httpLibraries.ts says what that measured). The language server keeps them inside dist/server.js,
// the one file the editor runs. Shared by scripts/build.mjs and the tests that bundle the CLI as it ships.
import path from 'node:path';

export const HTTP_LIBRARIES_BUNDLE = 'httpLibraries.js';

export function httpLibrariesApartPlugin(root) {
  const source = path.join(root, 'server/src/registry/httpLibraries.ts');
  return {
    name: 'http-libraries-apart',
    setup(build) {
      build.onResolve({ filter: /\/httpLibraries$/ }, (args) =>
        path.resolve(args.resolveDir, `${args.path}.ts`) === source ? { path: `./${HTTP_LIBRARIES_BUNDLE}`, external: true } : undefined,
      );
    },
  };
}
