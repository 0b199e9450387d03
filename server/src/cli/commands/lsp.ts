import { existsSync } from 'node:fs';
import path from 'node:path';
import { transportArgument } from '../../lsp/transport';
import { UsageError, type CliIO } from '../io';

const HELP = `Usage: replicated-registries lsp --stdio

Runs the language server on stdin/stdout for any editor that speaks LSP (VS Code, Neovim, Helix, Emacs...).
Other transports: --node-ipc, --socket=PORT, --pipe=NAME.
`;

/**
 * `lsp --stdio`: runs the language server until the client sends `exit` or closes the stream. The server
 * is its own bundle, dist/server.js beside this one, the one the editor extension runs: the CLI bundle
 * does not carry it, which kept 300 KB (a quarter of it) out of every `lint` start (issue 12).
 * bin/replicated-registries starts that bundle itself for `lsp` with a transport, from its code cache;
 * this runs it when the CLI bundle is started directly (`node dist/cli.js lsp --stdio`).
 */
export async function run(argv: string[], io: CliIO): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(HELP);
    return 0;
  }
  // The connection library reads the transport from process.argv; we only check that one was named.
  const transport = transportArgument(argv);
  if (!transport) {
    throw new UsageError('"lsp" needs a transport: run `replicated-registries lsp --stdio` (or --node-ipc, --socket=PORT, --pipe=NAME)');
  }
  const server = path.join(__dirname, 'server.js');
  if (!existsSync(server)) throw new Error(`the language server's bundle is missing (${server}); reinstall replicated-registries, or in a checkout run \`npm run build\``);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(server);
  // The server ends the process itself, on `exit` or when its input closes.
  return new Promise<number>(() => undefined);
}
