/**
 * Portal mode of the language server over a real LSP connection, against the local stand-in for the
 * hosted Vendor API (test/harness/vendorApiStandIn.ts): the registries listed are the union of the
 * workspace file and the portal, hovers say where each registry came from, the app's custom domains
 * from the portal count as the defaults do, the proxy-domain quick fix, a portal that is down (a
 * warning, validation against the workspace file alone), the connection from REPLICATED_API_TOKEN or
 * from the `replicated` CLI's login (found for the editor without its token; used directly by other
 * editors), and the API token never appearing in anything the server sends.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CodeActionRequest, HoverRequest, type CodeAction, type Command, type Diagnostic, type MarkupContent, type TextEdit } from 'vscode-languageserver-protocol';
import {
  ListRegistriesRequest,
  PortalConnectionChangedNotification,
  ServerStatusNotification,
  type PortalConnection,
  type RegistryStatus,
  type ServerStatusParams,
} from '../../server/src/protocol/messages';
import { PortalFindLoginRequest, PortalVerifyRequest, type FoundReplicatedLogin } from '../../server/src/protocol/portalRequests';
import { startVendorApiStandIn, type VendorApiStandIn } from '../harness/vendorApiStandIn';
import { fileUri, LspTestClient } from './lspTestClient';
import { positionOf, rangeOf, tempWorkspace, type TempWorkspace } from './workspaceFixture';

const TOKEN = 'rr-portal-token-7f3c9a1e5d';

const REGISTRIES = `app: my-app
registries:
  - slug: acme-ghcr
    provider: ghcr
    endpoint: ghcr.io
    authType: token
    username: acme-bot
customDomains:
  proxy: [images.acme.example]
`;

const MANIFEST = `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: api
      image: ghcr.io/acme/api:1.4.0
    - name: worker
      image: quay.io/acme/worker:2.0
    - name: custom-proxy
      image: images.portal.example/proxy/my-app/quay.io/acme/worker:2.0
    - name: default-proxy
      image: proxy.replicated.com/proxy/my-app/ghcr.io/acme/api:1.4.0
    - name: custom-registry
      image: registry.portal.example/my-app/api:1.0
`;

/** Settings without pull checks: these tests are about configuration, and no public registry is reachable here. */
const NO_REMOTE_CHECKS = { 'replicated-registries': { remoteChecks: false } };

async function standIn(): Promise<VendorApiStandIn> {
  const api = await startVendorApiStandIn({
    token: TOKEN,
    apps: [{ id: 'app-1', slug: 'my-app', name: 'My App' }],
    customHostnames: { 'app-1': { proxy: ['images.portal.example'], registry: ['registry.portal.example'] } },
  });
  api.registries.push({ provider: 'quay', endpoint: 'quay.io', slug: 'portal-quay', authType: 'password', username: 'robot', password: 'quay-secret-never-seen', lastUsedAt: null });
  return api;
}

/** A port on 127.0.0.1 nobody listens on (the OS picked it, then we closed it). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function isAction(a: CodeAction | Command): a is CodeAction {
  return 'kind' in a || 'edit' in a;
}

function applyEdits(text: string, edits: TextEdit[]): string {
  const lines = text.split('\n');
  const offsetAt = (p: { line: number; character: number }): number => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  const sorted = [...edits].sort((a, b) => offsetAt(b.range.start) - offsetAt(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offsetAt(e.range.start)) + e.newText + out.slice(offsetAt(e.range.end));
  return out;
}

async function hoverText(client: LspTestClient, uri: string, text: string, needle: string): Promise<string> {
  const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: positionOf(text, text.indexOf(needle) + 2) });
  assert.ok(hover, `a hover on ${needle}`);
  return (hover.contents as MarkupContent).value;
}

/** Everything the server sent that a user could see: log lines, stderr, custom notifications, diagnostics. */
function everythingSent(client: LspTestClient): string {
  return [...client.logs, ...client.stderr, JSON.stringify(client.customNotifications), JSON.stringify([...client.diagnostics.values()])].join('\n');
}

function notConnected(diagnostics: Diagnostic[], text: string, needle: string): Diagnostic | undefined {
  const line = positionOf(text, text.indexOf(needle)).line;
  return diagnostics.find((d) => d.code === 'registry-not-connected' && d.range.start.line === line);
}

void describe('portal mode (editor connection, stand-in Vendor API)', () => {
  let api: VendorApiStandIn;
  let workspace: TempWorkspace;
  let client: LspTestClient;
  let uri: string;
  let diagnostics: Diagnostic[];

  before(async () => {
    api = await standIn();
    workspace = tempWorkspace({ '.replicated-registries.yaml': REGISTRIES });
    const connection: PortalConnection = { token: TOKEN, origin: api.origin, app: 'my-app' };
    client = await LspTestClient.start({ rootPath: workspace.root, settings: NO_REMOTE_CHECKS, portal: () => connection });
    uri = fileUri(workspace.write('pod.yaml', MANIFEST));
    const published = client.waitForDiagnostics({ uri });
    await client.open(uri, MANIFEST);
    diagnostics = await published;
  });

  after(async () => {
    await client.stop();
    await api.stop();
    workspace.dispose();
  });

  void it('lists the union of the workspace file and the portal, each with its source', async () => {
    const listed: RegistryStatus[] = await client.connection.sendRequest(ListRegistriesRequest, {});
    const bySlug = new Map(listed.map((r) => [r.slug, r]));
    assert.equal(bySlug.get('acme-ghcr')?.source, 'workspace', JSON.stringify(listed));
    assert.equal(bySlug.get('portal-quay')?.source, 'portal', JSON.stringify(listed));
    assert.equal(bySlug.get('portal-quay')?.endpoint, 'quay.io');
    assert.equal(listed.length, 2);
    assert.ok(client.portalRequests >= 1, 'the server asked the editor for the portal connection');
    // The token went to the Vendor API raw, never as "Bearer".
    assert.ok(api.requests.length > 0 && api.requests.every((r) => r.authorization === TOKEN));
  });

  void it('says in hovers which source each registry came from', async () => {
    const fromPortal = await hoverText(client, uri, MANIFEST, 'quay.io/acme/worker:2.0');
    assert.match(fromPortal, /`portal-quay`.*from the vendor portal/);
    assert.match(fromPortal, /vendor portal keeps this registry's credentials/);
    const fromFile = await hoverText(client, uri, MANIFEST, 'ghcr.io/acme/api:1.4.0');
    assert.match(fromFile, /`acme-ghcr`.*from the workspace registries file/);
  });

  void it('treats the portal app\'s custom proxy and registry domains as the defaults', () => {
    // Offline (remote checks off) an unknown registry is an info; these must not be reported at all.
    assert.equal(notConnected(diagnostics, MANIFEST, 'images.portal.example/proxy/'), undefined, JSON.stringify(diagnostics));
    assert.equal(notConnected(diagnostics, MANIFEST, 'registry.portal.example/my-app/'), undefined, JSON.stringify(diagnostics));
    // Nothing else is unknown either: quay.io is the portal's registry, ghcr.io the file's. (The test
    // "when the portal is down" shows the same references reported without the portal.)
    assert.equal(diagnostics.filter((d) => d.code === 'registry-not-connected').length, 0, JSON.stringify(diagnostics));
  });

  void it('shows the default-domain and custom-domain proxy forms, the custom one the portal marks default', async () => {
    const value = await hoverText(client, uri, MANIFEST, 'ghcr.io/acme/api:1.4.0');
    assert.match(value, /default domain: `proxy\.replicated\.com\/proxy\/my-app\/ghcr\.io\/acme\/api:1\.4\.0`/);
    assert.match(value, /custom domain `images\.portal\.example`: `images\.portal\.example\/proxy\/my-app\/ghcr\.io\/acme\/api:1\.4\.0`/);
    const onProxy = await hoverText(client, uri, MANIFEST, 'images.portal.example/proxy/');
    assert.match(onProxy, /default domain: `proxy\.replicated\.com\/proxy\/my-app\/quay\.io\/acme\/worker:2\.0`/);
  });

  void it('rewrites a proxy reference on a custom domain to the default proxy domain, and back to the default custom domain', async () => {
    const custom = rangeOf(MANIFEST, 'images.portal.example/proxy/my-app/quay.io/acme/worker:2.0');
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: custom, context: { diagnostics: [] } })) ?? [];
    const toDefault = actions.filter(isAction).find((a) => a.title === 'Rewrite to the default proxy domain proxy.replicated.com');
    assert.ok(toDefault?.edit?.changes, JSON.stringify(actions));
    const edited = applyEdits(MANIFEST, toDefault.edit.changes[uri] ?? []);
    assert.match(edited, /\n {6}image: proxy\.replicated\.com\/proxy\/my-app\/quay\.io\/acme\/worker:2\.0\n {4}- name: default-proxy\n/);
    assert.equal(edited.length, MANIFEST.length - 'images.portal.example'.length + 'proxy.replicated.com'.length, 'only the host changed');

    const onDefault = rangeOf(MANIFEST, 'proxy.replicated.com/proxy/my-app/ghcr.io/acme/api:1.4.0');
    const back = (await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: onDefault, context: { diagnostics: [] } })) ?? [];
    const toCustom = back.filter(isAction).find((a) => a.title === 'Rewrite to the custom proxy domain images.portal.example');
    assert.ok(toCustom?.edit?.changes, JSON.stringify(back));
    assert.match(applyEdits(MANIFEST, toCustom.edit.changes[uri] ?? []), /\n {6}image: images\.portal\.example\/proxy\/my-app\/ghcr\.io\/acme\/api:1\.4\.0\n/);
  });

  void it('never sends the API token in a log line, notification or diagnostic', () => {
    assert.ok(client.logs.some((l) => l.includes('vendor portal: connected')), client.logs.join('\n'));
    assert.equal(everythingSent(client).includes(TOKEN), false);
  });
});

void describe('portal mode when the portal is down', () => {
  let workspace: TempWorkspace | undefined;
  let started: LspTestClient | undefined;

  after(async () => {
    await started?.stop();
    workspace?.dispose();
  });

  void it('warns once (log and status) and validates against the workspace file only', async () => {
    const root = tempWorkspace({ '.replicated-registries.yaml': REGISTRIES });
    workspace = root;
    const origin = `http://127.0.0.1:${await closedPort()}`;
    const client = await LspTestClient.start({ rootPath: root.root, settings: NO_REMOTE_CHECKS, portal: () => ({ token: TOKEN, origin, app: 'my-app' }) });
    started = client;
    const uri = fileUri(root.write('pod.yaml', MANIFEST));
    const published = client.waitForDiagnostics({ uri, timeoutMs: 20_000 });
    await client.open(uri, MANIFEST);
    const diagnostics = await published;

    const errorStatus = (): ServerStatusParams | undefined =>
      client.customNotifications.map((n) => (n.method === ServerStatusNotification.method ? (n.params as ServerStatusParams) : undefined)).find((p) => p?.state === 'error');
    await client.until(() => errorStatus() !== undefined, 'an error status about the portal', 20_000);
    const warning = errorStatus() as ServerStatusParams;
    assert.match(warning.message, /vendor portal's registries could not be read/);
    assert.match(warning.message, /validating against the 1 registry of the registries file only/);
    await client.until(() => client.logs.some((l) => l.startsWith('vendor portal:') && l.includes('could not be read')), 'the warning in the log');
    assert.equal(client.logs.filter((l) => l.includes('could not be read')).length, 1, 'logged once');

    const listed: RegistryStatus[] = await client.connection.sendRequest(ListRegistriesRequest, {});
    assert.deepEqual(listed.map((r) => [r.slug, r.source]), [['acme-ghcr', 'workspace']]);
    // Workspace-only: the portal's registry and custom domains are unknown, so reported (as infos offline).
    assert.ok(notConnected(diagnostics, MANIFEST, 'quay.io/acme/worker:2.0'), JSON.stringify(diagnostics));
    assert.ok(notConnected(diagnostics, MANIFEST, 'registry.portal.example/my-app/'), JSON.stringify(diagnostics));
    assert.equal(everythingSent(client).includes(TOKEN), false);
  });
});

void describe('portal mode from the environment, and connecting later', () => {
  let api: VendorApiStandIn;
  let workspace: TempWorkspace;
  let dockerConfig: string;

  before(async () => {
    api = await standIn();
    workspace = tempWorkspace({ '.replicated-registries.yaml': REGISTRIES });
    // No Docker credentials from the machine running the tests.
    dockerConfig = mkdtempSync(path.join(os.tmpdir(), 'rr-docker-'));
  });

  after(async () => {
    await api.stop();
    workspace.dispose();
    rmSync(dockerConfig, { recursive: true, force: true });
  });

  void it('reads REPLICATED_API_TOKEN / _ORIGIN / REPLICATED_APP when the editor offers no connection', async () => {
    const client = await LspTestClient.start({
      rootPath: workspace.root,
      settings: NO_REMOTE_CHECKS,
      env: { REPLICATED_API_TOKEN: TOKEN, REPLICATED_API_ORIGIN: api.origin, REPLICATED_APP: 'my-app', DOCKER_CONFIG: dockerConfig },
    });
    try {
      const listed: RegistryStatus[] = await client.connection.sendRequest(ListRegistriesRequest, {});
      assert.deepEqual(listed.map((r) => `${r.slug}:${r.source}`).sort(), ['acme-ghcr:workspace', 'portal-quay:portal']);
      assert.equal(client.portalRequests, 0, 'the editor did not advertise a portal connection, so it is not asked');
      assert.equal(everythingSent(client).includes(TOKEN), false);
    } finally {
      await client.stop();
    }
  });

  void it('does not report missing credentials for portal registries (they are kept at Replicated), but does for workspace ones', async () => {
    const portalPort = await closedPort();
    const workspacePort = await closedPort();
    api.registries.push({ provider: 'other', endpoint: `127.0.0.1:${portalPort}`, slug: 'portal-local', authType: 'password', username: 'robot', password: 'never-seen-1', lastUsedAt: null });
    const local = tempWorkspace({
      '.replicated-registries.yaml': `app: my-app\nregistries:\n  - slug: file-local\n    provider: other\n    endpoint: 127.0.0.1:${workspacePort}\n    authType: password\n    username: bob\n    plainHttp: true\n`,
    });
    const client = await LspTestClient.start({
      rootPath: local.root,
      env: { REPLICATED_API_TOKEN: TOKEN, REPLICATED_API_ORIGIN: api.origin, REPLICATED_APP: 'my-app', DOCKER_CONFIG: dockerConfig },
    });
    try {
      const text = `services:\n  a:\n    image: 127.0.0.1:${portalPort}/acme/a:1.0\n  b:\n    image: 127.0.0.1:${workspacePort}/acme/b:1.0\n`;
      const uri = fileUri(local.write('compose.yaml', text));
      const checked = client.waitForDiagnostics({ uri, until: (d) => d.some((x) => x.code === 'credentials-missing'), timeoutMs: 20_000 });
      await client.open(uri, text);
      const diagnostics = await checked;
      const missing = diagnostics.filter((d) => d.code === 'credentials-missing');
      assert.deepEqual(missing.map((d) => d.range.start.line), [4], JSON.stringify(diagnostics));
      const hover = await hoverText(client, uri, text, `127.0.0.1:${portalPort}/acme/a:1.0`);
      assert.match(hover, /from the vendor portal/);
      // The upstream host has a port: no proxy form is offered (Docker would reject it), the reason is.
      assert.match(hover, /No proxy reference.*has a port/);
      assert.doesNotMatch(hover, /proxy\/my-app\/127\.0\.0\.1/);
    } finally {
      await client.stop();
      local.dispose();
    }
  });

  void it("finds the replicated CLI's profiles for Connect (never their token) and connects through the one the editor picked", async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'rr-lsp-replicated-home-'));
    try {
      const file = path.join(home, '.config', 'replicated', 'config.yaml');
      mkdirSync(path.dirname(file), { recursive: true });
      // As `replicated profile add` writes it; the token is good at the stand-in only through profile "prod"'s origin.
      const content = JSON.stringify({ profiles: { prod: { apiToken: TOKEN, apiOrigin: api.origin }, other: { apiToken: 'rr-other-profile-token' } }, defaultProfile: 'prod' });
      writeFileSync(file, content, { mode: 0o600 });
      workspace.write('.replicated', 'appSlug: my-app\n');
      let connection: PortalConnection | null = null;
      const client = await LspTestClient.start({ rootPath: workspace.root, settings: NO_REMOTE_CHECKS, portal: () => connection, env: { HOME: home, XDG_CONFIG_HOME: '', DOCKER_CONFIG: dockerConfig, REPLICATED_API_TOKEN: '', REPLICATED_API_ORIGIN: 'http://127.0.0.1:9' } });
      try {
        const found: FoundReplicatedLogin | null = await client.connection.sendRequest(PortalFindLoginRequest, {});
        assert.deepEqual(found, {
          file,
          profiles: [
            { name: 'prod', origin: api.origin, isDefault: true, hasToken: true },
            { name: 'other', origin: 'https://api.replicated.com/vendor', isDefault: false, hasToken: true },
          ],
          hasLoginToken: false,
          loginOrigin: 'http://127.0.0.1:9',
          app: 'my-app',
        });
        assert.equal(JSON.stringify(found).includes(TOKEN), false, 'no token comes back');
        // In VS Code nothing is used until the user connects (a login file alone does not connect the editor).
        const before: RegistryStatus[] = await client.connection.sendRequest(ListRegistriesRequest, {});
        assert.deepEqual(before.map((r) => r.source), ['workspace']);
        const verified = await client.connection.sendRequest(PortalVerifyRequest, { connection: { replicatedProfile: 'prod' } });
        assert.ok(verified.registryCount >= 1);
        await assert.rejects(client.connection.sendRequest(PortalVerifyRequest, { connection: { replicatedProfile: 'nope' } }), /no profile "nope" in .*\(profiles: prod, other\)/);
        connection = { replicatedProfile: 'prod', app: 'my-app' };
        const index = client.customNotifications.length;
        await client.connection.sendNotification(PortalConnectionChangedNotification, {});
        await client.waitForNotification('replicatedRegistries/registriesChanged', index, 10_000);
        const after: RegistryStatus[] = await client.connection.sendRequest(ListRegistriesRequest, {});
        assert.ok(after.some((r) => r.slug === 'portal-quay' && r.source === 'portal'), JSON.stringify(after));
        assert.equal(api.requests.at(-1)?.authorization, TOKEN, 'the profile\'s token, sent to the profile\'s origin');
        assert.match(client.logs.join('\n'), /vendor portal: connected \(with profile "prod" of the replicated CLI/);
        assert.equal(everythingSent(client).includes(TOKEN), false);
        assert.equal(readFileSync(file, 'utf8'), content, 'read, never written');
      } finally {
        await client.stop();
      }
    } finally {
      rmSync(path.join(workspace.root, '.replicated'), { force: true });
      rmSync(home, { recursive: true, force: true });
    }
  });

  void it("other editors find the portal as `replicated` does: the token `replicated login` wrote, with no variable set", async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'rr-lsp-replicated-login-'));
    try {
      const file = path.join(home, '.replicated', 'config.yaml');
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify({ token: TOKEN }), { mode: 0o600 });
      const client = await LspTestClient.start({ rootPath: workspace.root, settings: NO_REMOTE_CHECKS, env: { HOME: home, DOCKER_CONFIG: dockerConfig, REPLICATED_API_TOKEN: '', REPLICATED_API_ORIGIN: api.origin } });
      try {
        const listed: RegistryStatus[] = await client.connection.sendRequest(ListRegistriesRequest, {});
        assert.ok(listed.some((r) => r.slug === 'portal-quay' && r.source === 'portal'), JSON.stringify(listed));
        assert.match(client.logs.join('\n'), /vendor portal: connected \(with the replicated CLI's login/);
        assert.equal(everythingSent(client).includes(TOKEN), false);
      } finally {
        await client.stop();
      }
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  void it('picks up a portal connected after start (portalConnectionChanged)', async () => {
    let connection: PortalConnection | null = null;
    const client = await LspTestClient.start({ rootPath: workspace.root, settings: NO_REMOTE_CHECKS, portal: () => connection, env: { DOCKER_CONFIG: dockerConfig, REPLICATED_API_TOKEN: '' } });
    try {
      const before: RegistryStatus[] = await client.connection.sendRequest(ListRegistriesRequest, {});
      assert.deepEqual(before.map((r) => r.slug), ['acme-ghcr']);
      connection = { token: TOKEN, origin: api.origin, app: 'my-app' };
      const index = client.customNotifications.length;
      await client.connection.sendNotification(PortalConnectionChangedNotification, {});
      await client.waitForNotification('replicatedRegistries/registriesChanged', index, 10_000);
      const after: RegistryStatus[] = await client.connection.sendRequest(ListRegistriesRequest, {});
      const expected = ['acme-ghcr:workspace', ...api.registries.map((r) => `${r.slug}:portal`)].sort();
      assert.deepEqual(after.map((r) => `${r.slug}:${r.source}`).sort(), expected);
      assert.ok(expected.includes('portal-quay:portal'));
      assert.equal(everythingSent(client).includes(TOKEN), false);
    } finally {
      await client.stop();
    }
  });
});
