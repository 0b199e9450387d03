/**
 * The custom protocol over LSP: the server asks the client for credentials (and the test client
 * answers), lists registries and workspace images, tests a registry, pages tags, reports its status;
 * untrusted workspaces never ask for credentials. The registry here is a closed port on 127.0.0.1, so
 * every network answer is "unreachable" — which must never become a false "not found".
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ResponseError } from 'vscode-languageserver-protocol';
import {
  CredentialsChangedNotification,
  ListRegistriesRequest,
  ListTagsRequest,
  TestRegistryRequest,
  WorkspaceImagesRequest,
  type ServerStatusParams,
} from '../../server/src/protocol/messages';
import { fileUri, LspTestClient } from './lspTestClient';
import { tempWorkspace, type TempWorkspace } from './workspaceFixture';

const SECRET = 'pa55-w0rd-never-logged';

/** A port on 127.0.0.1 nobody listens on (the OS picked it, then we closed it). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function registriesFile(port: number): string {
  return `app: my-app
registries:
  - slug: local
    provider: other
    endpoint: 127.0.0.1:${port}
    authType: password
    username: bob
    plainHttp: true
`;
}

void describe('custom requests over LSP', () => {
  let workspace: TempWorkspace;
  let client: LspTestClient;
  let port: number;
  let uri: string;

  before(async () => {
    port = await closedPort();
    workspace = tempWorkspace({ '.replicated-registries.yaml': registriesFile(port) });
    client = await LspTestClient.start({
      rootPath: workspace.root,
      credentials: (params) => (params.slug === 'local' ? { username: 'bob', secret: SECRET } : null),
      // The registries file's plainHttp may be used with credentials: this machine's own configuration says so.
      initializationOptions: { allowInsecure: [`127.0.0.1:${port}`] },
    });
    const text = `services:\n  app:\n    image: 127.0.0.1:${port}/acme/app:1.0\n`;
    uri = fileUri(workspace.write('compose.yaml', text));
    const checked = client.waitForDiagnostics({ uri, until: (d) => d.some((x) => x.code === 'pull-check-failed') });
    await client.open(uri, text);
    const diagnostics = await checked;
    assert.equal(diagnostics.some((d) => d.code === 'tag-not-found' || d.code === 'repository-not-found'), false, 'an unreachable registry is never "not found"');
    assert.equal(diagnostics.find((d) => d.code === 'pull-check-failed')?.severity, 3, 'info');
  });
  after(async () => {
    await client.stop();
    workspace.dispose();
  });

  void it('asked the client for the credentials of the connected registry', () => {
    assert.deepEqual(client.credentialRequests[0], { slug: 'local', endpoint: `127.0.0.1:${port}` });
  });

  void it('lists the registries with credential state and last check', async () => {
    const registries = await client.connection.sendRequest(ListRegistriesRequest, {});
    assert.equal(registries.length, 1);
    const [local] = registries;
    assert.equal(local?.slug, 'local');
    assert.equal(local?.hasCredentials, true);
    assert.equal(local?.lastCheck?.verdict, 'unreachable');
    assert.equal(local?.source, 'workspace');
  });

  void it('lists the workspace images with the registry they resolve to', async () => {
    const images = await client.connection.sendRequest(WorkspaceImagesRequest, {});
    const app = images.find((i) => i.uri === uri);
    assert.ok(app, JSON.stringify(images));
    assert.equal(app.registrySlug, 'local');
    assert.equal(app.path, 'acme/app');
    assert.equal(app.tag, '1.0');
    assert.deepEqual([app.line, app.character, app.endLine, app.endCharacter], [2, 11, 2, 11 + app.text.length]);
  });

  void it('pages tags, reporting a registry failure as a verdict', async () => {
    const result = await client.connection.sendRequest(ListTagsRequest, { slug: 'local', repository: 'acme/app' });
    assert.deepEqual(result.tags, []);
    assert.equal(result.error?.verdict, 'unreachable');
    assert.ok(result.error?.message);
  });

  void it('tests a registry with fresh credentials, and refuses an unknown one with a clear error', async () => {
    const asked = client.credentialRequests.length;
    const result = await client.connection.sendRequest(TestRegistryRequest, { slug: 'local', image: 'acme/app:1.0' });
    assert.equal(result.verdict, 'unreachable');
    assert.equal(result.image, `127.0.0.1:${port}/acme/app:1.0`);
    assert.ok(client.credentialRequests.length > asked, 'credentials asked again for a test');
    await assert.rejects(
      client.connection.sendRequest(TestRegistryRequest, { slug: 'nope', image: 'acme/app:1.0' }),
      (err: unknown) => err instanceof ResponseError && /no registry named "nope"/.test(err.message) && /known: local/.test(err.message),
    );
  });

  void it('re-asks for credentials and re-checks when they change', async () => {
    const asked = client.credentialRequests.length;
    await client.connection.sendNotification(CredentialsChangedNotification, { slug: 'local' });
    await client.until(() => client.credentialRequests.length > asked, 'a new GetCredentials request');
  });

  void it('reports checking and idle states, and never logs the secret', () => {
    const states = client.customNotifications.filter((n) => n.method === 'replicatedRegistries/status').map((n) => (n.params as ServerStatusParams).state);
    assert.ok(states.includes('checking'), states.join(','));
    assert.ok(states.includes('idle'), states.join(','));
    assert.equal(client.logs.join('\n').includes(SECRET), false);
    assert.equal(client.stderr.join('').includes(SECRET), false);
  });
});

void describe('credentials without a client provider, and untrusted workspaces', () => {
  void it('reports credentials-missing when neither the client nor the local sources have any', async () => {
    const port = await closedPort();
    const workspace = tempWorkspace({ '.replicated-registries.yaml': registriesFile(port) });
    // An empty Docker config and no REPLICATED_REGISTRIES_* variables: no local credentials.
    const client = await LspTestClient.start({ rootPath: workspace.root, env: { DOCKER_CONFIG: workspace.file('docker'), REPLICATED_REGISTRIES_LOCAL_PASSWORD: '' } });
    try {
      const text = `image: 127.0.0.1:${port}/acme/app:1.0\n`;
      const uri = fileUri(workspace.write('values.yaml', text));
      const got = client.waitForDiagnostics({ uri, until: (d) => d.some((x) => x.code === 'credentials-missing') });
      await client.open(uri, text);
      const diagnostics = await got;
      assert.equal(diagnostics.find((d) => d.code === 'credentials-missing')?.severity, 2);
      assert.equal(client.credentialRequests.length, 0, 'the client did not advertise credentialsProvider');
    } finally {
      await client.stop();
      workspace.dispose();
    }
  });

  void it('uses credentials from the environment (the CLI / Neovim case)', async () => {
    const port = await closedPort();
    const workspace = tempWorkspace({ '.replicated-registries.yaml': registriesFile(port) });
    const env = {
      DOCKER_CONFIG: workspace.file('docker'),
      REPLICATED_REGISTRIES_LOCAL_HOST: `127.0.0.1:${port}`,
      REPLICATED_REGISTRIES_LOCAL_PASSWORD: SECRET,
      REPLICATED_REGISTRIES_ALLOW_INSECURE: `127.0.0.1:${port}`,
    };
    const client = await LspTestClient.start({ rootPath: workspace.root, env });
    try {
      const registries = await client.connection.sendRequest(ListRegistriesRequest, {});
      assert.equal(registries[0]?.hasCredentials, true);
    } finally {
      await client.stop();
      workspace.dispose();
    }
  });

  void it('never asks for credentials nor contacts registries in an untrusted workspace', async () => {
    const port = await closedPort();
    const workspace = tempWorkspace({ '.replicated-registries.yaml': registriesFile(port) });
    const client = await LspTestClient.start({ rootPath: workspace.root, initializationOptions: { trusted: false }, credentials: () => ({ username: 'bob', secret: SECRET }) });
    try {
      const text = `image: 127.0.0.1:${port}/acme/app:latest\n`;
      const uri = fileUri(workspace.write('values.yaml', text));
      const got = client.waitForDiagnostics({ uri, until: (d) => d.some((x) => x.code === 'tag-latest') });
      await client.open(uri, text);
      const diagnostics = await got;
      assert.equal(diagnostics.some((d) => d.code === 'pull-check-failed'), false);
      const status = await client.waitForNotification('replicatedRegistries/status');
      assert.equal((status as ServerStatusParams).state, 'offline');
      await assert.rejects(client.connection.sendRequest(TestRegistryRequest, { slug: 'local', image: 'acme/app:1.0' }), /not trusted/);
      assert.equal(client.credentialRequests.length, 0);
    } finally {
      await client.stop();
      workspace.dispose();
    }
  });
});
