/**
 * `registry test --as-customer`: the built CLI pulls an image the way a customer does — through the
 * proxy, logged in with the license ID — against the proxy stand-in (test/harness/proxyStandIn.ts),
 * which forwards to a REAL docker-registry (htpasswd over TLS) with the vendor's credentials. Ends by
 * proving the license ID was printed nowhere.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pushImage, startHtpasswdRegistry, type PushedImage, type RunningRegistry } from '../harness';
import { cliRunner } from '../harness/cli';
import { makeTempDir, removeTempDir } from '../harness/processes';
import { STAND_IN_HEADER, startProxyStandIn, type RunningProxyStandIn } from '../harness/proxyStandIn';

const repoRoot = path.resolve(__dirname, '..', '..');
const VENDOR_PASSWORD = 'Vendor-Secret-' + Math.random().toString(36).slice(2);
const LICENSE_ID = 'lic-' + Math.random().toString(36).slice(2, 12);
const OTHER_APP_LICENSE = 'lic-other-' + Math.random().toString(36).slice(2, 12);

const transcript: string[] = [];
const runCli = cliRunner(transcript);

void describe('registry test --as-customer through the proxy stand-in', () => {
  let registry: RunningRegistry;
  let proxy: RunningProxyStandIn;
  let pushed: PushedImage;
  let work: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    if (!existsSync(path.join(repoRoot, 'dist', 'cli.js'))) {
      const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: repoRoot, encoding: 'utf8' });
      assert.equal(build.status, 0, `the CLI bundle could not be built: ${build.stderr}`);
    }
    registry = await startHtpasswdRegistry({ tls: true, users: { vendor: VENDOR_PASSWORD } });
    pushed = await pushImage(registry, { repository: 'acme/api', tag: '1.4.0', format: 'oci', username: 'vendor', password: VENDOR_PASSWORD });
    proxy = await startProxyStandIn({
      licenses: { [LICENSE_ID]: 'acme', [OTHER_APP_LICENSE]: 'other-app' },
      registries: [{ name: 'lab', connection: { provider: 'other', endpoint: registry.host, caFile: registry.caFile ?? '' }, credentials: { username: 'vendor', secret: VENDOR_PASSWORD } }],
    });
    work = makeTempDir('customer-pull');
    mkdirSync(path.join(work, 'home'));
    // The registry host has a port, so the proxy path names it by its registry name (`lab`).
    writeFileSync(
      path.join(work, '.replicated-registries.yaml'),
      `app: acme\nregistries:\n  - slug: lab\n    provider: other\n    endpoint: ${registry.host}\n    authType: password\n    username: vendor\n    caFile: ${registry.caFile ?? ''}\ncustomDomains:\n  proxy: [${proxy.host}]\n`,
    );
    env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: path.join(work, 'home'), DOCKER_CONFIG: path.join(work, 'docker'), REPLICATED_REGISTRIES_STDIN_TIMEOUT_MS: '5000' };
  });

  after(async () => {
    await proxy?.stop();
    await registry?.stop();
    if (work) removeTempDir(work);
  });

  void it('pulls the proxy reference with the license ID: ok, with the digest the registry serves', async () => {
    const run = await runCli(['registry', 'test', 'lab', '--image', 'acme/api:1.4.0', '--as-customer', '--license-id-stdin', '-o', 'json'], { cwd: work, env, input: `${LICENSE_ID}\n` });
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout) as { verdict: string; digest?: string; proxyReference: string };
    assert.equal(result.verdict, 'ok');
    assert.equal(result.digest, pushed.digest);
    assert.equal(result.proxyReference, `${proxy.host}/proxy/acme/lab/acme/api:1.4.0`);
    assert.match(run.stderr, new RegExp(`pulling ${proxy.host.replace(/\./g, '\\.')}/proxy/acme/lab/acme/api:1\\.4\\.0 as a customer of acme`));
    // It went through the stand-in, logged in as the pull secret KOTS creates.
    assert.ok(proxy.requests.some((request) => request.path === '/v2/proxy/acme/lab/acme/api/manifests/1.4.0' && request.user === 'LICENSE_ID' && request.status === 200));
  });

  void it('the same verdicts as a vendor test: a missing tag, an unknown license, a license of another app', async () => {
    const missing = await runCli(['registry', 'test', 'lab', '--image', 'acme/api:9.9.9', '--as-customer', '--license-id-stdin'], { cwd: work, env, input: LICENSE_ID });
    assert.equal(missing.code, 1);
    assert.match(missing.stdout, /verdict: +tag-not-found/);
    const unknown = await runCli(['registry', 'test', 'lab', '--image', 'acme/api:1.4.0', '--as-customer', '--license-id-stdin'], { cwd: work, env, input: 'lic-not-issued' });
    assert.equal(unknown.code, 1);
    assert.match(unknown.stdout, /verdict: +unauthorized/);
    assert.match(unknown.stdout, /hint: +the proxy did not accept the license/);
    const otherApp = await runCli(['registry', 'test', 'lab', '--image', 'acme/api:1.4.0', '--as-customer', '--license-id-stdin', '--customer-email', 'ops@customer.example'], { cwd: work, env, input: OTHER_APP_LICENSE });
    assert.equal(otherApp.code, 1);
    assert.match(otherApp.stdout, /verdict: +denied/);
    assert.ok(proxy.requests.some((request) => request.user === 'ops@customer.example' && request.status === 403));
  });

  void it('says what it needs: the license on stdin, and the app slug', async () => {
    const noLicense = await runCli(['registry', 'test', 'lab', '--image', 'acme/api:1.4.0', '--as-customer'], { cwd: work, env });
    assert.equal(noLicense.code, 2);
    assert.match(noLicense.stderr, /--as-customer needs the customer's license ID: pipe it to --license-id-stdin/);
    const stray = await runCli(['registry', 'test', 'lab', '--image', 'acme/api:1.4.0', '--license-id-stdin'], { cwd: work, env, input: LICENSE_ID });
    assert.equal(stray.code, 2);
    assert.match(stray.stderr, /--license-id-stdin goes with --as-customer/);
  });

  void it('the stand-in says it is one, and the license ID was printed nowhere', () => {
    assert.match(STAND_IN_HEADER, /stand-in/);
    for (const output of transcript) {
      assert.ok(!output.includes(LICENSE_ID), 'the license ID leaked into the output');
      assert.ok(!output.includes(OTHER_APP_LICENSE), 'the license ID leaked into the output');
      assert.ok(!output.includes(VENDOR_PASSWORD), 'the vendor password leaked into the output');
    }
  });
});
