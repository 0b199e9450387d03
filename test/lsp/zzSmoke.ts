import { LspTestClient, fileUri } from './lspTestClient';
import { HoverRequest } from 'vscode-languageserver-protocol';
async function main() {
  const c = await LspTestClient.start({ initializationOptions: { offline: true } });
  const uri = fileUri('/tmp/rrsmoke/a.yaml');
  const text = 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: a\n      image: nginx:latest\n    - name: b\n      image: ghcr.io/acme/app\n';
  await c.open(uri, text);
  const d = await c.waitForDiagnostics({ uri });
  console.log(JSON.stringify(d, null, 1));
  const h = await c.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 5, character: 15 } });
  console.log(JSON.stringify(h));
  console.log(c.logs.join('\n'));
  console.log(await c.stop());
}
void main();
