/**
 * A registry's health changed by a background check reaches the client's view. The view reads the health
 * only when it refreshes, so a check that ran between a registry's save and its credentials reaching the
 * server ("unauthorized") left the tree red after the recheck said "ok" (seen in the e2e suite). The
 * server now tells the client (RegistriesChangedNotification) whenever a registry's health changes state.
 * Real registry (docker-registry with htpasswd over TLS), credentials answered by the test client.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CredentialsChangedNotification, RegistriesChangedNotification } from '../../server/src/protocol/messages';
import { RegistriesOverviewRequest } from '../../server/src/protocol/registryRequests';
import { pushImage, startHtpasswdRegistry, type RunningRegistry } from '../harness/index';
import { fileUri, LspTestClient } from './lspTestClient';
import { tempWorkspace, type TempWorkspace } from './workspaceFixture';

const USER = 'alice';
const PASSWORD = 'correct-horse-battery';

void describe('registry health over LSP', () => {
  let reg: RunningRegistry;
  let workspace: TempWorkspace;
  let client: LspTestClient;
  // What the "SecretStorage" of this client holds: a stale password first, then the right one.
  let secret = 'stale-password';

  before(async () => {
    reg = await startHtpasswdRegistry({ tls: true, users: { [USER]: PASSWORD } });
    await pushImage(reg, { repository: 'acme/app', tag: '1.0.0', format: 'oci', username: USER, password: PASSWORD });
    workspace = tempWorkspace({
      '.replicated-registries.yaml': `app: my-app\nregistries:\n  - slug: local\n    provider: other\n    endpoint: ${reg.host}\n    authType: password\n    username: ${USER}\n    caFile: ${JSON.stringify(reg.caFile)}\n`,
    });
    client = await LspTestClient.start({ rootPath: workspace.root, credentials: (params) => (params.slug === 'local' ? { username: USER, secret } : null) });
  });
  after(async () => {
    await client?.stop();
    workspace?.dispose();
    await reg?.stop();
  });

  const healthState = async (): Promise<string | undefined> => {
    const overview = await client.connection.sendRequest(RegistriesOverviewRequest, {});
    return overview.registries.find((r) => r.slug === 'local')?.health?.state;
  };

  void it('tells the client when a background check turns a registry from login-failed to ok', async () => {
    const text = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n  containers:\n    - name: app\n      image: ${reg.host}/acme/app:1.0.0\n`;
    const uri = fileUri(workspace.write('pod.yaml', text));
    await client.open(uri, text);
    const deadline = Date.now() + 15_000;
    let state = await healthState();
    while (state !== 'login-failed' && Date.now() < deadline) state = await healthState();
    assert.equal(state, 'login-failed', `the stale password is refused first; server log:\n${client.logs.join('\n')}`);

    const seen = client.customNotifications.length;
    secret = PASSWORD;
    await client.connection.sendNotification(CredentialsChangedNotification, { slug: 'local' });
    await client.waitForNotification(RegistriesChangedNotification.method, seen, 15_000);
    // The view, refreshed by that notification, finds the registry healthy (polled: a check may already have
    // used the new password before the server heard of it, and the server then forgets and re-checks).
    const okBy = Date.now() + 15_000;
    while ((await healthState()) !== 'ok' && Date.now() < okBy);
    assert.equal(await healthState(), 'ok', `server log:\n${client.logs.join('\n')}`);
  });
});
