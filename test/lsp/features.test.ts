/**
 * Editor features over a real LSP connection: hover content, code actions with their edits
 * (connect registry, silence, proxy rewrite), completion items (hosts, repositories).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CodeActionRequest,
  CompletionRequest,
  HoverRequest,
  type CodeAction,
  type Command,
  type CompletionItem,
  type CompletionList,
  type Diagnostic,
  type MarkupContent,
  type TextEdit,
} from 'vscode-languageserver-protocol';
import { ClientCommands, type AddRegistryPrefill } from '../../server/src/protocol/messages';
import { fileUri, LspTestClient } from './lspTestClient';
import { positionOf, rangeOf, tempWorkspace, type TempWorkspace } from './workspaceFixture';

const REGISTRIES = `app: my-app
registries:
  - slug: acme-ghcr
    provider: ghcr
    endpoint: ghcr.io
    authType: token
    username: acme-bot
customDomains:
  proxy: [images.acme.example]
public: [docker.io/library]
`;

const MANIFEST = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/api:1.4.0
        - name: worker
          image: quay.io/acme/worker:2.0
        - name: web
          image: nginx:latest
`;

/** Applies single-file text edits (non-overlapping) to a text. */
function applyEdits(text: string, edits: TextEdit[]): string {
  const lines = text.split('\n');
  const offsetAt = (p: { line: number; character: number }): number => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  const sorted = [...edits].sort((a, b) => offsetAt(b.range.start) - offsetAt(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offsetAt(e.range.start)) + e.newText + out.slice(offsetAt(e.range.end));
  return out;
}

function isAction(item: CodeAction | Command): item is CodeAction {
  return typeof (item as CodeAction).title === 'string' && (item as Command).command === undefined || (item as CodeAction).kind !== undefined;
}

void describe('editor features over LSP', () => {
  let workspace: TempWorkspace;
  let client: LspTestClient;
  let uri: string;
  let diagnostics: Diagnostic[];

  before(async () => {
    workspace = tempWorkspace({ '.replicated-registries.yaml': REGISTRIES, 'other/values.yaml': 'image:\n  repository: ghcr.io/acme/billing\n  tag: "3.1"\n' });
    client = await LspTestClient.start({ rootPath: workspace.root, initializationOptions: { offline: true, clientCommands: true } });
    uri = fileUri(workspace.write('deploy.yaml', MANIFEST));
    const got = client.waitForDiagnostics({ uri, until: (d) => d.some((x) => x.code === 'registry-not-connected') && d.some((x) => x.code === 'tag-latest') });
    await client.open(uri, MANIFEST);
    diagnostics = await got;
  });
  after(async () => {
    await client.stop();
    workspace.dispose();
  });

  void it('hovers a connected reference with registry, credential state and the proxy reference', async () => {
    const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: positionOf(MANIFEST, MANIFEST.indexOf('acme/api') + 2) });
    assert.ok(hover);
    const value = (hover.contents as MarkupContent).value;
    assert.match(value, /ghcr\.io\/acme\/api:1\.4\.0/);
    assert.match(value, /acme-ghcr/);
    assert.match(value, /GitHub/i);
    assert.match(value, /Credentials.*missing/);
    assert.match(value, /images\.acme\.example\/proxy\/my-app\/ghcr\.io\/acme\/api:1\.4\.0/, 'the reference customers pull, on the custom proxy domain');
    assert.deepEqual(hover.range, rangeOf(MANIFEST, 'ghcr.io/acme/api:1.4.0'));
  });

  void it('hovers a public image saying customers pull it directly, and nothing off a reference', async () => {
    const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: positionOf(MANIFEST, MANIFEST.indexOf('nginx') + 1) });
    assert.match((hover?.contents as MarkupContent).value, /pull it directly/);
    const none = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 0, character: 3 } });
    assert.equal(none, null);
  });

  void it('offers "Connect this registry" prefilled from the reference', async () => {
    const notConnected = diagnostics.find((d) => d.code === 'registry-not-connected');
    assert.ok(notConnected);
    const actions = await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: notConnected.range,
      context: { diagnostics: [notConnected] },
    });
    assert.ok(actions);
    const connect = actions.filter(isAction).find((a) => a.command?.command === ClientCommands.addRegistry);
    assert.ok(connect, JSON.stringify(actions));
    const prefill = connect.command?.arguments?.[0] as AddRegistryPrefill;
    assert.deepEqual(prefill, { provider: 'quay', endpoint: 'quay.io', image: 'quay.io/acme/worker:2.0' });
    assert.equal(connect.isPreferred, true);
  });

  void it('silences a line with a comment at its indentation', async () => {
    const latest = diagnostics.find((d) => d.code === 'tag-latest');
    assert.ok(latest);
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: latest.range, context: { diagnostics: [latest] } })) ?? [];
    const silence = actions.filter(isAction).find((a) => a.title.startsWith('Silence tag-latest'));
    assert.ok(silence?.edit?.changes, JSON.stringify(actions));
    const edited = applyEdits(MANIFEST, silence.edit.changes[uri] ?? []);
    assert.match(edited, /\n {10}# replicated-registries-disable-next-line tag-latest\n {10}image: nginx:latest\n/);
    // Applying it makes the diagnostic go away.
    const cleared = client.waitForDiagnostics({ uri, until: (d) => !d.some((x) => x.code === 'tag-latest') });
    await client.change(uri, edited);
    await cleared;
    const restored = client.waitForDiagnostics({ uri, until: (d) => d.some((x) => x.code === 'tag-latest') });
    await client.change(uri, MANIFEST);
    diagnostics = await restored;
  });

  void it('rewrites a private reference to the proxy reference where KOTS does not (chart values), never in a plain manifest', async () => {
    const range = rangeOf(MANIFEST, 'ghcr.io/acme/api:1.4.0');
    const inManifest = (await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range, context: { diagnostics: [] } })) ?? [];
    assert.equal(inManifest.filter(isAction).some((a) => a.title.startsWith('Rewrite to the proxy reference')), false, 'KOTS rewrites manifests itself: a proxy reference there is a double prefix');
    // Offline: no pin-to-digest (it needs the registry).
    assert.equal(inManifest.filter(isAction).some((a) => a.title.startsWith('Pin')), false);
    const values = 'image: ghcr.io/acme/api:1.4.0\n';
    const valuesUri = fileUri(workspace.write('chart/values.yaml', values));
    await client.open(valuesUri, values);
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri: valuesUri }, range: rangeOf(values, 'ghcr.io/acme/api:1.4.0'), context: { diagnostics: [] } })) ?? [];
    const rewrite = actions.filter(isAction).find((a) => a.title.startsWith('Rewrite to the proxy reference'));
    assert.ok(rewrite?.edit?.changes, JSON.stringify(actions));
    assert.equal(applyEdits(values, rewrite.edit.changes[valuesUri] ?? []), 'image: images.acme.example/proxy/my-app/ghcr.io/acme/api:1.4.0\n');
    await client.close(valuesUri);
  });

  void it('completes hosts and repositories inside image values', async () => {
    const text = `${MANIFEST}        - name: new\n          image: \n`;
    await client.change(uri, text);
    const line = text.split('\n').length - 2;
    const hosts = (await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line, character: 17 } })) as CompletionList;
    const labels = hosts.items.map((i: CompletionItem) => i.label);
    assert.ok(labels.includes('ghcr.io/'), labels.join(', '));
    assert.ok(labels.includes('images.acme.example/proxy/my-app/'), labels.join(', '));
    assert.ok(labels.includes('ghcr.io/acme/api'), 'repositories the workspace uses');
    assert.ok(labels.includes('ghcr.io/acme/billing'), 'including unopened files (values.yaml)');

    const typed = text.replace('          image: \n', '          image: ghcr.io/acme/b\n');
    await client.change(uri, typed);
    const repos = (await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line, character: 31 } })) as CompletionList;
    const billing = repos.items.find((i) => i.label === 'ghcr.io/acme/billing');
    assert.ok(billing, repos.items.map((i) => i.label).join(', '));
    assert.deepEqual(billing.textEdit && 'range' in billing.textEdit ? billing.textEdit.range : undefined, { start: { line, character: 17 }, end: { line, character: 31 } });
    assert.equal(repos.items.some((i) => String(i.label).startsWith('quay.io')), false, 'only the typed host');

    const outside = await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: 3, character: 8 } });
    assert.equal(outside, null, 'no completion outside image values');
    await client.change(uri, MANIFEST);
  });
});
