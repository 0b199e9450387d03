/**
 * Creates the connection (transport chosen from argv by vscode-languageserver: --stdio, --node-ipc,
 * --socket=N, --pipe=NAME) and hands it to the service. Nothing else writes to stdout: with --stdio the
 * library routes console.* to the client's log.
 */
import { createConnection, ProposedFeatures, type Connection } from 'vscode-languageserver/node';
import { RegistriesLanguageService } from './service';

export function startServer(): Connection {
  let connection: Connection;
  try {
    connection = createConnection(ProposedFeatures.all);
  } catch (err) {
    process.stderr.write(
      `replicated-registries language server: ${err instanceof Error ? err.message : String(err)}\n` +
        'Start it with a transport, e.g. `replicated-registries lsp --stdio`.\n',
    );
    process.exit(2);
  }
  // The bundle this code runs from (dist/server.js, or dist/cli.js for `lsp --stdio`) is also the analysis worker's.
  const service = new RegistriesLanguageService(connection, { workerScript: __filename });
  service.listen();
  return connection;
}
