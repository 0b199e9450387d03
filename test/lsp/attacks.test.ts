/**
 * The attack suite (issue 8) through `replicated-registries lsp --stdio`, the way Neovim or VS Code
 * run it: a hostile workspace (its registries file and manifests) against a real `docker-registry` on
 * 127.0.0.1 whose credentials this machine holds, with an attacker host on 127.0.0.2. Asserts on what
 * the attacker received; each case has a control where the same credentials flow; and the server keeps
 * answering hover on other files while hostile files are open. The CLI side is
 * test/integration/attacks.test.ts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { HoverRequest, type MarkupContent } from 'vscode-languageserver-protocol';
import { stringify } from 'yaml';
import { basicRegistry, leakedSecrets, pushImage, startAttackerHost, startHtpasswdRegistry, type AttackerHost, type CapturedRequest, type RunningRegistry } from '../harness/index';
import { cliBundle, fileUri, LspTestClient, type StartOptions } from './lspTestClient';
import { positionOf, tempWorkspace, type TempWorkspace } from './workspaceFixture';

const nonce = Math.random().toString(36).slice(2, 8);
const LAB = { username: 'ci', password: `Lab-Lsp-Secret-${nonce}` };
const HUB = { username: 'hubuser', password: `Hub-Lsp-Secret-${nonce}` };
const ALL_SECRETS = [LAB.password, HUB.password];

function pod(...images: string[]): string {
  return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n  containers:\n${images.map((image, i) => `    - name: c${i}\n      image: ${image}\n`).join('')}`;
}

function basicAuth(login: { username: string; password: string }): string {
  return Buffer.from(`${login.username}:${login.password}`).toString('base64');
}

/** The server as `replicated-registries lsp --stdio`, with nothing from the developer's machine but PATH. */
async function startLsp(workspace: TempWorkspace, options: Omit<StartOptions, 'rootPath' | 'command'> = {}): Promise<LspTestClient> {
  return LspTestClient.start({
    rootPath: workspace.root,
    command: { file: process.execPath, args: [await cliBundle(), 'lsp', '--stdio'] },
    ...options,
    env: { HOME: workspace.file('home'), DOCKER_CONFIG: workspace.file('docker'), HTTPS_PROXY: '', HTTP_PROXY: '', ...options.env },
  });
}

function assertNothingLeaked(client: LspTestClient, requests: readonly CapturedRequest[], what: string): void {
  assert.deepEqual(leakedSecrets(requests, ALL_SECRETS), [], `${what} received a secret: ${JSON.stringify(requests)}`);
  assert.equal(requests.filter((r) => r.headers.authorization !== undefined).length, 0, `${what} received an Authorization header`);
  const shown = [...client.logs, ...client.stderr, JSON.stringify([...client.diagnostics.values()])].join('\n');
  assert.deepEqual(ALL_SECRETS.filter((secret) => shown.includes(secret)), [], 'the server showed a secret');
}

async function hoverText(client: LspTestClient, uri: string, text: string, needle: string): Promise<string> {
  const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: positionOf(text, text.indexOf(needle) + 2) });
  return hover ? (hover.contents as MarkupContent).value : '';
}

/** Peak resident memory of a process (Linux VmHWM), in MB. */
function peakMemoryMb(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid ?? 0}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

void describe('attacks through lsp --stdio', () => {
  let lab: RunningRegistry;
  let attacker: AttackerHost;

  before(async () => {
    lab = await startHtpasswdRegistry({ tls: true, users: { [LAB.username]: LAB.password } });
    await pushImage(lab, { repository: 'acme/api', tag: '1.0', format: 'oci', username: LAB.username, password: LAB.password });
    attacker = await startAttackerHost({ tls: true, responder: basicRegistry });
  });
  after(async () => {
    await attacker?.stop();
    await lab?.stop();
  });

  void it('1. environment credentials bound to the lab host are not sent to the host a committed file now names', async () => {
    const env = { REPLICATED_REGISTRIES_LAB_HOST: lab.host, REPLICATED_REGISTRIES_LAB_USERNAME: LAB.username, REPLICATED_REGISTRIES_LAB_PASSWORD: LAB.password };
    for (const [endpoint, caFile, hostile] of [
      [lab.host, lab.caFile, false],
      [attacker.host, attacker.caFile, true],
    ] as const) {
      attacker.requests.length = 0;
      const workspace = tempWorkspace({ '.replicated-registries.yaml': stringify({ registries: [{ slug: 'lab', provider: 'other', endpoint, caFile }] }) });
      const client = await startLsp(workspace, { env });
      try {
        const text = pod(`${endpoint}/acme/api:1.0`, `${endpoint}/acme/api:9.9`);
        const uri = fileUri(workspace.write('pod.yaml', text));
        const checked = client.waitForDiagnostics({ uri, until: (d) => d.some((x) => x.code === (hostile ? 'credentials-missing' : 'tag-not-found')), timeoutMs: 20_000 });
        await client.open(uri, text);
        const diagnostics = await checked;
        if (hostile) {
          assert.match(String(diagnostics.find((d) => d.code === 'credentials-missing')?.message), /were given for .* \(REPLICATED_REGISTRIES_LAB_HOST\), but the registries file now says/);
          assert.match(await hoverText(client, uri, text, '/acme/api:1.0'), /\*\*Credentials\*\* on this machine: not used — the credentials for "lab" were given for/);
          assertNothingLeaked(client, attacker.requests, 'the attacker');
        } else {
          // Control: bound to this host, the credentials are used (the missing tag is only visible with them).
          assert.match(await hoverText(client, uri, text, '/acme/api:1.0'), /\*\*Credentials\*\* on this machine: present \(environment/);
        }
      } finally {
        await client.stop();
        workspace.dispose();
      }
    }
  });

  void it('2. a Docker Hub login is never sent for a `provider: dockerhub` entry on another host (with or without the editor\'s SecretStorage)', async () => {
    for (const editor of [false, true]) {
      attacker.requests.length = 0;
      const workspace = tempWorkspace({ '.replicated-registries.yaml': stringify({ registries: [{ slug: 'hub', provider: 'dockerhub', endpoint: attacker.host, caFile: attacker.caFile }] }) });
      workspace.write('docker/config.json', JSON.stringify({ auths: { 'https://index.docker.io/v1/': { auth: basicAuth(HUB) } } }));
      // With the editor: SecretStorage has nothing for this registry, so the server falls back to the Docker config.
      const client = await startLsp(workspace, editor ? { credentials: () => null } : {});
      try {
        const text = pod(`${attacker.host}/acme/api:1.0`);
        const uri = fileUri(workspace.write('pod.yaml', text));
        const checked = client.waitForDiagnostics({ uri, until: (d) => d.some((x) => x.code === 'credentials-missing'), timeoutMs: 20_000 });
        await client.open(uri, text);
        const missing = (await checked).find((d) => d.code === 'credentials-missing');
        assert.match(String(missing?.message), /registry "hub" has an error in the registries file \(line \d+: endpoint `127\.0\.0\.2:\d+` is not a Docker Hub host/);
        await client.save(uri);
        const registriesUri = fileUri(workspace.file('.replicated-registries.yaml'));
        await client.waitForDiagnostics({ uri: registriesUri, until: (d) => d.some((x) => /not a Docker Hub host/.test(x.message)) });
        assertNothingLeaked(client, attacker.requests, `the attacker (editor: ${editor})`);
        assert.equal(client.credentialRequests.length, 0, 'not even SecretStorage was asked for an entry with an error');
      } finally {
        await client.stop();
        workspace.dispose();
      }
    }
  });

  void it('5. a committed plainHttp uses a stored login only once the user allows it (the editor asks; the answer is remembered)', async () => {
    const observer = await startAttackerHost({ tls: false, address: '127.0.0.1', responder: basicRegistry });
    const workspace = tempWorkspace({ '.replicated-registries.yaml': stringify({ registries: [{ slug: 'dev', provider: 'other', endpoint: observer.host, plainHttp: true }] }) });
    workspace.write('docker/config.json', JSON.stringify({ auths: { [observer.host]: { auth: basicAuth(LAB) } } }));
    let allowed = false;
    const client = await startLsp(workspace, { insecureConsent: () => allowed });
    try {
      const text = pod(`${observer.host}/acme/api:1.0`);
      const uri = fileUri(workspace.write('pod.yaml', text));
      const refused = client.waitForDiagnostics({ uri, until: (d) => d.some((x) => x.code === 'credentials-missing'), timeoutMs: 20_000 });
      await client.open(uri, text);
      assert.match(String((await refused).find((d) => d.code === 'credentials-missing')?.message), /sets `plainHttp: true` for "dev".*choose "Allow on This Machine" when the editor asks/);
      assert.deepEqual(client.insecureConsentRequests.map((r) => [r.slug, r.host, r.plainHttp]), [['dev', observer.host, true]]);
      assert.equal(leakedSecrets(observer.requests, [LAB.password]).length, 0, 'not sent before the user allowed it');
      // The user allows it: the editor says the credentials changed, the server asks again and checks with them.
      allowed = true;
      const checked = client.waitForDiagnostics({ uri, until: (d) => !d.some((x) => x.code === 'credentials-missing') && d.some((x) => x.code === 'tag-not-found'), timeoutMs: 20_000 });
      await client.connection.sendNotification('replicatedRegistries/credentialsChanged', { slug: 'dev' });
      await client.save(uri);
      await checked;
      assert.ok(leakedSecrets(observer.requests, [LAB.password]).length > 0, 'allowed, the stored login was used');
    } finally {
      await client.stop();
      workspace.dispose();
      await observer.stop();
    }
  });

  void it('7/9. hostile files (alias bomb, 20 MB manifest, 50 MB registries file) neither stall nor exhaust the server: hover on another file keeps answering', async () => {
    const lines = ['apiVersion: v1', 'kind: ConfigMap', 'data:', '  l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) lines.push(`  l${i}: &l${i} [${Array(9).fill(`*l${i - 1}`).join(',')}]`);
    const bomb = `${lines.join('\n')}\n`;
    const huge = `kind: ConfigMap\ndata:\n${'  key: value-value-value-value-value\n'.repeat(600_000)}`;
    const entries: string[] = [];
    for (let i = 0; i < 750_000; i++) entries.push(`  - slug: r${i}\n    provider: other\n    endpoint: r${i}.example.com\n`);
    const workspace = tempWorkspace({ '.replicated-registries.yaml': `registries:\n${entries.join('')}` });
    const client = await startLsp(workspace, { initializationOptions: { offline: true } });
    try {
      const text = pod('ghcr.io/acme/app:1.0');
      const uri = fileUri(workspace.write('pod.yaml', text));
      await client.open(uri, text);
      const bombUri = fileUri(workspace.write('bomb.yaml', bomb));
      const hugeUri = fileUri(workspace.file('huge.yaml'));
      const bombChecked = client.waitForDiagnostics({ uri: bombUri, until: (d) => d.some((x) => x.code === 'analysis-limit'), timeoutMs: 20_000 });
      const hugeChecked = client.waitForDiagnostics({ uri: hugeUri, until: (d) => d.some((x) => x.code === 'analysis-limit'), timeoutMs: 20_000 });
      // Observed now, awaited below: a failure before then must not surface as an unhandled rejection.
      for (const pending of [bombChecked, hugeChecked]) pending.catch(() => undefined);
      await client.open(bombUri, bomb);
      await client.open(hugeUri, huge);
      // While those are being read, hover on the other file answers, within a deadline.
      const started = Date.now();
      const hover = await Promise.race([
        hoverText(client, uri, text, 'ghcr.io/acme/app'),
        new Promise<string>((_, reject) => setTimeout(() => reject(new Error('hover did not answer within 10 s')), 10_000)),
      ]);
      assert.match(hover, /\*\*Image\*\* `ghcr\.io\/acme\/app:1\.0`/, `hover answered after ${Date.now() - started} ms`);
      assert.match(String((await bombChecked).find((d) => d.code === 'analysis-limit')?.message), /expand to more than 100,000 nodes/);
      assert.match(String((await hugeChecked).find((d) => d.code === 'analysis-limit')?.message), /more than the 16 MiB analysed per file/);
      // The registries file over its bound: one problem on it, nothing used from it, nothing stalled.
      const registriesUri = fileUri(workspace.file('.replicated-registries.yaml'));
      await client.until(() => (client.diagnostics.get(registriesUri) ?? []).some((d) => /more than the 1 MiB/.test(d.message)), 'the registries-file problem', 20_000);
      assert.match(await hoverText(client, uri, text, 'ghcr.io/acme/app'), /\*\*Image\*\*/);
      assert.ok(peakMemoryMb(client.process.pid) < 1024, `peak server memory ${peakMemoryMb(client.process.pid)} MB`);
    } finally {
      assert.equal(await client.stop(), 0, 'the server exits cleanly');
      workspace.dispose();
    }
  });
});
