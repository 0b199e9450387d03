/**
 * The transports the language server takes from its command line, as vscode-languageserver reads them:
 * --stdio, --node-ipc, --socket[=PORT], --pipe[=NAME]. Its own module so `lsp`'s argument check loads
 * nothing of the server.
 */
const TRANSPORT = /^--(stdio|node-ipc|socket(=\d+)?|pipe(=.+)?)$/;

/** The transport argument the connection library picks: the first one given. */
export function transportArgument(argv: readonly string[]): string | undefined {
  return argv.find((arg) => TRANSPORT.test(arg));
}
