import { transportArgument } from '../../lsp/transport';
import { UsageError, type CliIO } from '../io';
import { raiseRunFlags } from '../v8Flags';

const HELP = `Usage: replicated-registries lsp --stdio

Runs the language server on stdin/stdout for any editor that speaks LSP (VS Code, Neovim, Helix, Emacs...).
Other transports: --node-ipc, --socket=PORT, --pipe=NAME.
`;

/** `lsp --stdio`: runs the language server until the client sends `exit` or closes the stream. */
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
  const { startServer } = await import('../../lsp/startServer');
  const connection = startServer();
  raiseRunFlags();
  // The server ends the process itself on `exit` or when its input closes; this promise only settles then.
  return new Promise<number>((resolve) => connection.onExit(() => resolve(0)));
}
