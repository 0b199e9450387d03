// Builds one bundle per side with esbuild: the extension client, the language server, the CLI (and the
// lazily loaded parts of the client and of the CLI).
// `vscode` stays external (the host provides it); everything else is bundled, so no node_modules ship.
import * as esbuild from 'esbuild';
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { httpLibrariesApartPlugin } from './httpLibrariesApartPlugin.mjs';
import { registriesSchemaValidatorPlugin } from './registriesSchemaValidatorPlugin.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const production = process.argv.includes('--production');
// One version for every artefact: the CLI's --version and SARIF, the server's serverInfo (server/src/version.ts).
const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
  legalComments: 'none',
  define: { __VERSION__: JSON.stringify(version) },
  // The registries-file schema validator is generated at build time (ajv standalone), not compiled per start.
  plugins: [registriesSchemaValidatorPlugin(root)],
};

await Promise.all([
  esbuild.build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] }),
  // The language client and the protocol's message types, needed only once the server starts: kept out of
  // client.js so activation stays fast. The extension carries no engine code at all (it asks the server).
  esbuild.build({ ...common, entryPoints: ['client/src/server/languageClientBundle.ts'], outfile: 'dist/languageClient.js', external: ['vscode'] }),
  esbuild.build({ ...common, entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js' }),
  esbuild.build({ ...common, entryPoints: ['server/src/cli.ts'], outfile: 'dist/cli.js', plugins: [...common.plugins, httpLibrariesApartPlugin(root)] }),
  // What the CLI requires from beside itself when a command goes online (httpLibrariesApartPlugin.mjs).
  esbuild.build({ ...common, entryPoints: ['server/src/registry/httpLibraries.ts'], outfile: 'dist/httpLibraries.js' }),
]);
const sizes = ['client.js', 'languageClient.js', 'server.js', 'cli.js', 'httpLibraries.js'].map((file) => `dist/${file} ${(statSync(path.join(root, 'dist', file)).size / 1024).toFixed(1)} KiB`);
console.log(`built ${sizes.join(', ')}${production ? ' (production)' : ''}`);
