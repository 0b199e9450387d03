/**
 * The customer's pull over a real LSP connection, on a copy of examples/: the planted not-proxied image
 * of the packaged chart's HelmChart is reported, the quick fix's edit is applied as an editor would and
 * both its findings clear; the release's images per install mode (ReleaseImagesRequest); the hover
 * on a HelmChart value; and a pull as a customer (TestAsCustomerRequest) through the proxy stand-in to
 * a real registry.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CodeActionRequest, HoverRequest, type CodeAction, type Command, type Diagnostic, type MarkupContent, type TextEdit } from 'vscode-languageserver-protocol';
import { ReleaseImagesRequest, TestAsCustomerRequest } from '../../server/src/protocol/messages';
import { pushImage, startHtpasswdRegistry, type RunningRegistry } from '../harness';
import { startProxyStandIn, type RunningProxyStandIn } from '../harness/proxyStandIn';
import { fileUri, LspTestClient, repoPath } from './lspTestClient';
import { positionOf } from './workspaceFixture';

function applyEdits(text: string, edits: TextEdit[]): string {
  const lines = text.split('\n');
  const offsetAt = (p: { line: number; character: number }): number => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  let out = text;
  for (const edit of [...edits].sort((a, b) => offsetAt(b.range.start) - offsetAt(a.range.start))) out = out.slice(0, offsetAt(edit.range.start)) + edit.newText + out.slice(offsetAt(edit.range.end));
  return out;
}

const customerPullCodes = (diagnostics: Diagnostic[]): string[] => diagnostics.map((d) => String(d.code)).filter((code) => code === 'not-proxied' || code === 'airgap-missing').sort();

void describe("the customer's pull over LSP, on examples/", () => {
  let root: string;
  let client: LspTestClient;
  let uri: string;
  let text: string;

  before(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'rr-lsp-customer-'));
    cpSync(repoPath('examples'), root, { recursive: true });
    client = await LspTestClient.start({ rootPath: root, initializationOptions: { offline: true, clientCommands: true } });
    const file = path.join(root, 'kots', 'acme-worker.yaml');
    uri = fileUri(file);
    const { readFileSync } = await import('node:fs');
    text = readFileSync(file, 'utf8');
  });

  after(async () => {
    await client.stop();
    rmSync(root, { recursive: true, force: true });
  });

  void it('reports not-proxied (online) and airgap-missing on the HelmChart value; the quick fix clears both', async () => {
    const got = client.waitForDiagnostics({ uri, until: (d) => customerPullCodes(d).length === 2 });
    await client.open(uri, text);
    const diagnostics = await got;
    const notProxied = diagnostics.find((d) => d.code === 'not-proxied');
    assert.ok(notProxied);
    assert.equal(text.split('\n')[notProxied.range.start.line]?.trim(), 'image: ghcr.io/acme/migrations:2.4.1');
    assert.match(notProxied.message, /customers pull "ghcr\.io\/acme\/migrations:2\.4\.1" .* straight from the team's registry "acme-ghcr"/);
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: notProxied.range, context: { diagnostics: [notProxied] } })) ?? [];
    const fix = actions.find((a): a is CodeAction => (a as CodeAction).kind === 'quickfix' && (a as CodeAction).title.startsWith('Pull through the proxy'));
    assert.ok(fix?.edit?.changes, JSON.stringify(actions.map((a: CodeAction | Command) => a.title)));
    assert.deepEqual(Object.keys(fix.edit.changes), [uri]);
    const edited = applyEdits(text, fix.edit.changes[uri] ?? []);
    assert.match(edited, /image: 'repl\{\{ HasLocalRegistry \| ternary \(print LocalRegistryAddress "\/migrations:2\.4\.1"\) "proxy\.replicated\.com\/proxy\/acme-platform\/ghcr\.io\/acme\/migrations:2\.4\.1" \}\}'/);
    const cleared = client.waitForDiagnostics({ uri, until: (d) => customerPullCodes(d).length === 0 });
    await client.change(uri, edited);
    await cleared;
    const back = client.waitForDiagnostics({ uri, until: (d) => customerPullCodes(d).length === 2 });
    await client.change(uri, text);
    await back;
  });

  void it('hovers a HelmChart value with how customers pull it in each mode', async () => {
    const offset = text.indexOf('ghcr.io/acme/migrations');
    const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: positionOf(text, offset + 3) });
    const value = (hover?.contents as MarkupContent | undefined)?.value ?? '';
    assert.match(value, /How customers pull it/);
    assert.match(value, /- Online: `ghcr\.io\/acme\/migrations:2\.4\.1` directly from its registry/);
    assert.match(value, /- Air gap: `ghcr\.io\/acme\/migrations:2\.4\.1` directly from its registry/);
  });

  void it("hovers a chart's values.yaml image: resolved through the template, the tag from .Chart.AppVersion", async () => {
    const valuesFile = path.join(root, 'charts', 'acme-api', 'values.yaml');
    const { readFileSync } = await import('node:fs');
    const values = readFileSync(valuesFile, 'utf8');
    const valuesUri = fileUri(valuesFile);
    await client.open(valuesUri, values);
    const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: valuesUri }, position: positionOf(values, values.indexOf('acme/api') + 2) });
    const value = (hover?.contents as MarkupContent | undefined)?.value ?? '';
    assert.match(value, /\*\*Image\*\* `ghcr\.io\/acme\/api:2\.4\.1`/);
    assert.match(value, /The chart uses the tag `2\.4\.1` \(its appVersion\)/);
    assert.ok(!(client.diagnostics.get(valuesUri) ?? []).some((d) => d.code === 'tag-missing'), 'no tag-missing: the tag comes from .Chart.AppVersion');
    await client.close(valuesUri);
  });

  void it('lists the release images per mode, each with where to jump (ReleaseImagesRequest)', async () => {
    const result = await client.connection.sendRequest(ReleaseImagesRequest, { uri: fileUri(root) });
    assert.deepEqual(result.modes, ['online', 'airgap']);
    assert.match(result.modeReasons.airgap ?? '', /builder values/);
    const worker = result.images.filter((image) => image.pulled?.endsWith('/worker:2.4.1'));
    assert.deepEqual(worker.map((image) => [image.mode, image.via, image.archive?.entry]), [
      ['online', 'proxy', 'acme-worker/templates/deployment.yaml'],
      ['airgap', 'local-registry', 'acme-worker/templates/deployment.yaml'],
    ]);
    // A packaged chart's image jumps to the HelmChart value that sets it.
    assert.equal(worker[0]?.location.uri, uri);
    assert.equal(text.split('\n')[worker[0]?.location.line ?? -1]?.trim().startsWith('registry:'), true);
    const planted = result.images.find((image) => image.mode === 'online' && image.pulled === 'ghcr.io/acme/migrations:2.4.1');
    assert.deepEqual(planted?.findings.map((finding) => finding.code), ['not-proxied']);
    const onlyAirgap = await client.connection.sendRequest(ReleaseImagesRequest, { uri: fileUri(root), mode: 'airgap' });
    assert.ok(onlyAirgap.images.length > 0 && onlyAirgap.images.every((image) => image.mode === 'airgap'));
  });

  void it('asks for a license ID before testing as a customer, and never echoes it', async () => {
    await assert.rejects(client.connection.sendRequest(TestAsCustomerRequest, { image: 'ghcr.io/acme/api:2.4.1', licenseId: '' }), /needs the customer's license ID/);
  });
});

void describe('TestAsCustomerRequest through the proxy stand-in to a real registry', () => {
  const VENDOR_PASSWORD = 'Vendor-' + Math.random().toString(36).slice(2);
  const LICENSE = 'lic-lsp-' + Math.random().toString(36).slice(2, 12);
  let registry: RunningRegistry;
  let proxy: RunningProxyStandIn;
  let root: string;
  let client: LspTestClient;

  before(async () => {
    registry = await startHtpasswdRegistry({ tls: true, users: { vendor: VENDOR_PASSWORD } });
    await pushImage(registry, { repository: 'acme/api', tag: '2.4.1', format: 'oci', username: 'vendor', password: VENDOR_PASSWORD });
    proxy = await startProxyStandIn({ licenses: { [LICENSE]: 'acme' }, registries: [{ name: 'lab', connection: { provider: 'other', endpoint: registry.host, caFile: registry.caFile ?? '' }, credentials: { username: 'vendor', secret: VENDOR_PASSWORD } }] });
    root = mkdtempSync(path.join(os.tmpdir(), 'rr-lsp-customer-test-'));
    writeFileSync(path.join(root, '.replicated-registries.yaml'), `app: acme\nregistries:\n  - slug: lab\n    provider: other\n    endpoint: ${registry.host}\n    authType: password\n    username: vendor\n    caFile: ${registry.caFile ?? ''}\ncustomDomains:\n  proxy: [${proxy.host}]\n`);
    client = await LspTestClient.start({ rootPath: root, initializationOptions: { clientCommands: true } });
  });

  after(async () => {
    await client?.stop();
    await proxy?.stop();
    await registry?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  void it('pulls the proxy reference with the license: ok; a wrong license: unauthorized; the license never in the log', async () => {
    const ok = await client.connection.sendRequest(TestAsCustomerRequest, { image: `${registry.host}/acme/api:2.4.1`, licenseId: LICENSE });
    assert.equal(ok.verdict, 'ok', JSON.stringify(ok));
    assert.equal(ok.proxyReference, `${proxy.host}/proxy/acme/lab/acme/api:2.4.1`);
    const wrong = await client.connection.sendRequest(TestAsCustomerRequest, { image: `${registry.host}/acme/api:2.4.1`, licenseId: 'lic-unknown-1234' });
    assert.equal(wrong.verdict, 'unauthorized');
    assert.match(wrong.hint ?? '', /did not accept the license/);
    assert.ok(![...client.logs, ...client.stderr].some((line) => line.includes(LICENSE)), 'the license ID reached the server log');
  });
});
