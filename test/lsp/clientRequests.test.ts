/**
 * The requests that make the extension a pure client, over a real LSP connection: the provider catalog,
 * a draft's problems in the wizard's words, saving and removing a registry as WorkspaceEdits against the
 * editor's buffer (versioned, minimal, comments kept), the overview the Registries view shows — the
 * credential state with its reason, a broken registries file's problems, Restricted Mode — and the
 * Docker-config hosts. No registry is contacted here (test/lsp/draftTests.test.ts does that).
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocumentEdit, WorkspaceEdit } from 'vscode-languageserver-protocol';
import { DockerConfigCredentialsRequest, DockerConfigHostsRequest } from '../../server/src/protocol/dockerConfigRequests';
import {
  CheckRegistryDraftRequest,
  ProviderCatalogRequest,
  RegistriesOverviewRequest,
  RemoveRegistryRequest,
  SaveRegistryRequest,
} from '../../server/src/protocol/registryRequests';
import { parseRegistriesFile } from '../../server/src/store/registriesFile/parse';
import { fileUri, LspTestClient } from './lspTestClient';
import { tempWorkspace, type TempWorkspace } from './workspaceFixture';

const FILE = `# The team's registries: comments and layout stay as written.
app: my-app
registries:
  # Our lab registry.
  - slug: lab
    provider: other
    endpoint: registry.lab.example:5000
    authType: password
    username: ci
  - slug: plain
    provider: other
    endpoint: 127.0.0.1:5999
    authType: password
    username: dev
    plainHttp: true
`;

/** Applies a server's WorkspaceEdit for one document to its text, as the editor does. */
function applied(text: string, edit: WorkspaceEdit): string {
  const changes = (edit.documentChanges ?? []).filter((change): change is TextDocumentEdit => 'textDocument' in change);
  return changes.reduce((current, change) => TextDocument.applyEdits(TextDocument.create('file:///x', 'yaml', 0, current), change.edits.filter((e): e is Extract<typeof e, { range: unknown }> => 'range' in e)), text);
}

void describe('the extension’s requests', () => {
  let workspace: TempWorkspace;
  let client: LspTestClient;
  let registriesUri: string;

  before(async () => {
    workspace = tempWorkspace({ '.replicated-registries.yaml': FILE, 'app/deploy.yaml': 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: registry.lab.example:5000/acme/api:1.4\n' });
    const dockerHome = path.join(workspace.root, '..', `${path.basename(workspace.root)}-docker`);
    mkdirSync(dockerHome, { recursive: true });
    writeFileSync(path.join(dockerHome, 'config.json'), JSON.stringify({ auths: { 'registry.lab.example:5000': { auth: Buffer.from('ci-from-docker:docker-secret-123').toString('base64') }, 'https://index.docker.io/v1/': { auth: Buffer.from('hubuser:hub-secret-456').toString('base64') } } }));
    client = await LspTestClient.start({
      rootPath: workspace.root,
      credentials: (params) => (params.slug === 'lab' ? { username: 'ci', secret: 'keychain-secret-789' } : params.slug === 'plain' ? { username: 'dev', secret: 'plain-secret-000' } : null),
      insecureConsent: () => false,
      env: { DOCKER_CONFIG: dockerHome },
    });
    registriesUri = fileUri(workspace.file('.replicated-registries.yaml'));
    // The workspace's images are those of analysed files: wait for the open file's first diagnostics.
    const deployUri = fileUri(workspace.file('app/deploy.yaml'));
    const analysed = client.waitForDiagnostics({ uri: deployUri, timeoutMs: 30_000 });
    await client.open(deployUri, 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: registry.lab.example:5000/acme/api:1.4\n');
    await analysed;
  });
  after(async () => {
    await client.stop();
    workspace.dispose();
  });

  void it('sends the provider catalog in the wizard order, as data', async () => {
    const catalog = await client.connection.sendRequest(ProviderCatalogRequest, {});
    assert.deepEqual(catalog.providers.map((p) => p.id), ['dockerhub', 'ecr', 'gar', 'gcr', 'ghcr', 'quay', 'other']);
    assert.equal(catalog.providers.find((p) => p.id === 'ghcr')?.fixedEndpoint, 'ghcr.io');
  });

  void it("judges a draft's fields in the wizard's words, with a free name, the credential host and the workspace's images on it", async () => {
    const taken = await client.connection.sendRequest(CheckRegistryDraftRequest, { draft: { provider: 'other', endpoint: 'https://Registry.Lab.example:5000', slug: 'lab' } });
    assert.match(taken.problems.endpoint ?? '', /without a scheme/);
    assert.match(taken.problems.slug ?? '', /already exists/);
    const own = await client.connection.sendRequest(CheckRegistryDraftRequest, { draft: { provider: 'other', endpoint: 'Registry.Lab.Example:5000', slug: 'lab' }, originalSlug: 'lab' });
    assert.deepEqual(own.problems, {});
    assert.equal(own.host, 'registry.lab.example:5000');
    assert.deepEqual(own.workspaceImages.map((i) => i.image), ['acme/api:1.4']);
    const cliName = await client.connection.sendRequest(CheckRegistryDraftRequest, { draft: { provider: 'other', endpoint: 'registry.lab.acme.example:5000', slug: 'registry.lab.acme.example:5000' } });
    assert.equal(cliName.problems.slug, undefined, 'a name the CLI gives (the endpoint) is a name the wizard accepts');
    const iso = await client.connection.sendRequest(CheckRegistryDraftRequest, { draft: { provider: 'ecr', endpoint: '123456789012.dkr.ecr.us-isob-east-1.sc2s.sgov.gov' } });
    assert.equal(iso.problems.endpoint, undefined);
    assert.equal(iso.suggestedSlug, 'ecr-us-isob-east-1');
  });

  void it('saves an edit as one minimal, versioned TextEdit against the open buffer, keeping every comment', async () => {
    await client.open(registriesUri, FILE);
    const saved = await client.connection.sendRequest(SaveRegistryRequest, { entry: { slug: 'lab', provider: 'other', endpoint: 'registry.lab.example:5000', authType: 'password', username: 'new-user', source: 'workspace' }, previousSlug: 'lab' });
    assert.equal(saved.uri, registriesUri);
    assert.equal(saved.created, false);
    const change = saved.edit.documentChanges?.[0] as TextDocumentEdit;
    assert.equal(change.textDocument.version, 1, 'versioned: a stale buffer refuses the edit');
    assert.equal(change.edits.length, 1);
    const text = applied(FILE, saved.edit);
    assert.equal(text, FILE.replace('username: ci', 'username: new-user'));
    assert.equal(parseRegistriesFile(text, workspace.file('.replicated-registries.yaml')).config.registries.find((r) => r.slug === 'lab')?.username, 'new-user');
  });

  void it('renames in place and removes an entry, as edits', async () => {
    const renamed = await client.connection.sendRequest(SaveRegistryRequest, { entry: { slug: 'lab-2', provider: 'other', endpoint: 'registry.lab.example:5000', authType: 'password', username: 'ci' }, previousSlug: 'lab' });
    const text = applied(FILE, renamed.edit);
    assert.deepEqual(parseRegistriesFile(text, '/w/f').config.registries.map((r) => r.slug), ['plain', 'lab-2']);
    assert.match(text, /# Our lab registry\./);
    const removed = await client.connection.sendRequest(RemoveRegistryRequest, { slug: 'plain' });
    assert.deepEqual(parseRegistriesFile(applied(FILE, removed.edit), '/w/f').config.registries.map((r) => r.slug), ['lab']);
  });

  void it('lists credential states with their reasons: from the keychain, withheld for insecure options not allowed', async () => {
    const overview = await client.connection.sendRequest(RegistriesOverviewRequest, {});
    const lab = overview.registries.find((r) => r.slug === 'lab');
    const plain = overview.registries.find((r) => r.slug === 'plain');
    assert.deepEqual(lab?.credentials, { state: 'found', origin: 'secret-storage' });
    assert.equal(plain?.credentials.state, 'withheld');
    assert.match(plain?.credentials.reason ?? '', /plain HTTP/);
    assert.equal(lab?.file, registriesUri);
    assert.equal(overview.checksOff, undefined);
    assert.deepEqual(overview.files, [{ uri: registriesUri, exists: true, problems: [] }]);
  });

  void it('lists the Docker config hosts with the registry each already is, and hands one login over the pipe', async () => {
    const hosts = await client.connection.sendRequest(DockerConfigHostsRequest, {});
    assert.deepEqual(
      hosts.hosts.map((h) => `${h.host}:${h.provider}:${h.connectedSlug ?? '-'}`).sort(),
      ['index.docker.io:dockerhub:-', 'registry.lab.example:5000:other:lab'],
    );
    assert.deepEqual(await client.connection.sendRequest(DockerConfigCredentialsRequest, { host: 'registry.lab.example:5000' }), { username: 'ci-from-docker', secret: 'docker-secret-123' });
    const log = client.logs.join('\n') + client.stderr.join('');
    assert.doesNotMatch(log, /docker-secret-123|keychain-secret-789/);
  });
});

void describe('a broken registries file and Restricted Mode in the overview', () => {
  let workspace: TempWorkspace;
  let client: LspTestClient;

  before(async () => {
    workspace = tempWorkspace({
      '.replicated-registries.yaml': 'registries:\n  - slug: ok\n    provider: other\n    endpoint: good.example\n  - slug: bad\n    provider: dockerhub\n    endpoint: evil.example\n  - provider: nonsense\n',
    });
    client = await LspTestClient.start({ rootPath: workspace.root, credentials: () => null, initializationOptions: { trusted: false } });
  });
  after(async () => {
    await client.stop();
    workspace.dispose();
  });

  void it('shows the file’s problems (not an empty or stale list) and says checks are off, not that credentials are missing', async () => {
    const overview = await client.connection.sendRequest(RegistriesOverviewRequest, {});
    assert.match(overview.checksOff ?? '', /Restricted Mode/);
    const file = overview.files[0];
    assert.ok(file && file.exists);
    assert.ok(file.problems.some((p) => p.severity === 'error' && /not a Docker Hub host/.test(p.message)), JSON.stringify(file.problems));
    assert.ok(file.problems.some((p) => /nonsense/.test(p.message)), JSON.stringify(file.problems));
    const bad = overview.registries.find((r) => r.slug === 'bad');
    assert.match(bad?.problem ?? '', /line 7/);
    for (const registry of overview.registries) assert.equal(registry.credentials.state, 'not-asked', registry.slug);
    assert.equal(client.credentialRequests.length, 0, 'Restricted Mode reads no credentials');
  });
});
