import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';

// Placeholder until the language server lands (issue 3).
export function startServer(): void {
  const connection = createConnection(ProposedFeatures.all);
  connection.onInitialize(() => ({ capabilities: {} }));
  connection.listen();
}
