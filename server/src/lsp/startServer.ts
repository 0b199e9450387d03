/**
 * Creates the connection (transport chosen from argv as vscode-languageserver does: --stdio, --node-ipc,
 * --socket=N, --pipe=NAME) and hands it to the service. Over stdio (what the extension and editors use)
 * messages are written with DiagnosticsEncoder, which keeps each diagnostic's JSON between publishes.
 * Nothing else writes to stdout: console.* goes to the client's log.
 */
import { format } from 'node:util';
import { createConnection, ProposedFeatures, StreamMessageWriter, type Connection } from 'vscode-languageserver/node';
import { DiagnosticsEncoder } from './diagnosticsEncoder';
import { RegistriesLanguageService } from './service';
import { transportArgument } from './transport';

function stdioConnection(): Connection {
  const writer = new StreamMessageWriter(process.stdout, { charset: 'utf-8', contentTypeEncoder: new DiagnosticsEncoder() });
  // stdin stays a stream, so the library still exits when the client goes away (it does that only for a
  // stream); a writer is taken as it is in place of a stream (vscode-jsonrpc's createMessageConnection),
  // which the typings' overloads do not spell.
  const connection = createConnection(ProposedFeatures.all, process.stdin, writer as unknown as NodeJS.WritableStream);
  // What vscode-languageserver does for --stdio itself: a stray console.log would corrupt the stream.
  const log = (write: (message: string) => void) => (...args: unknown[]) => write(format(...args));
  console.log = log((m) => connection.console.log(m));
  console.info = log((m) => connection.console.info(m));
  console.warn = log((m) => connection.console.warn(m));
  console.error = log((m) => connection.console.error(m));
  console.debug = log((m) => connection.console.log(m));
  return connection;
}

export function startServer(): Connection {
  let connection: Connection;
  try {
    connection = transportArgument(process.argv.slice(2)) === '--stdio' ? stdioConnection() : createConnection(ProposedFeatures.all);
  } catch (err) {
    process.stderr.write(
      `replicated-registries language server: ${err instanceof Error ? err.message : String(err)}\n` +
        'Start it with a transport, e.g. `replicated-registries lsp --stdio`.\n',
    );
    process.exit(2);
  }
  // The bundle this code runs from (dist/server.js, whether the editor or `replicated-registries lsp` started
  // it) is also the analysis worker's.
  const service = new RegistriesLanguageService(connection, { workerScript: __filename });
  service.listen();
  return connection;
}
