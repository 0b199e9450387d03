/**
 * The attack suite (issue 8), through the CLI as CI runs it (`lint`, `registry test`, the built
 * bin/replicated-registries): a hostile repository — its committed registries file and manifests —
 * against a real `docker-registry` on 127.0.0.1 holding this machine's credentials, with an attacker
 * host on a second loopback address, 127.0.0.2. Every case asserts on what the attacker actually
 * received, and each has a control showing the same credentials do flow where they were given (so
 * the test can fail). Nothing may hang: every run has a deadline. The language-server side of the
 * same attacks is test/lsp/attacks.test.ts.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import {
  basicRegistry,
  leakedSecrets,
  pushImage,
  startAttackerHost,
  startFaultProxy,
  startHtpasswdRegistry,
  startTokenRegistry,
  tokenRegistry,
  type AttackerHost,
  type CapturedRequest,
  type RunningFaultProxy,
  type RunningRegistry,
  type TokenRegistry,
} from '../harness';
import { cliRunner, type CliRun } from '../harness/cli';
import { makeTempDir, removeTempDir } from '../harness/processes';

const nonce = Math.random().toString(36).slice(2, 8);
const LAB = { username: 'ci', password: `Lab-Secret-${nonce}` };
const READER = { username: 'reader', password: `Reader-Secret-${nonce}` };
const HUB = { username: 'hubuser', password: `Hub-Secret-${nonce}` };
const STORED = { username: 'dev', password: `Stored-Secret-${nonce}` };
/** A three-character password a registry echoes back. */
const SHORT = 'q7x';
const IN_FILE = `Pw-In-File-${nonce}`;
const ALL_SECRETS = [LAB.password, READER.password, HUB.password, STORED.password, SHORT, IN_FILE];

const transcript: string[] = [];
const cli = cliRunner(transcript);

/** The documented limits: 5 s to connect, 10 s to answer, 30 s per check, 5 s of analysis per file. Hostile input finishes well within them. */
const HOSTILE_RUN_DEADLINE_MS = 20_000;

interface Workspace {
  dir: string;
  env: NodeJS.ProcessEnv;
  write(relative: string, text: string): string;
}

let work: string;

function workspace(name: string, registries: Array<Record<string, unknown>>, manifests: Record<string, string> = {}): Workspace {
  const dir = path.join(work, name);
  mkdirSync(path.join(dir, 'home'), { recursive: true });
  const write = (relative: string, text: string): string => {
    const full = path.join(dir, relative);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, text);
    return full;
  };
  write('.replicated-registries.yaml', stringify({ app: 'acme', registries }));
  for (const [file, text] of Object.entries(manifests)) write(file, text);
  // Nothing from the developer's machine: an empty Docker config unless a test writes one.
  return { dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: path.join(dir, 'home'), DOCKER_CONFIG: path.join(dir, 'docker') }, write };
}

function pod(...images: string[]): string {
  return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n  containers:\n${images.map((image, i) => `    - name: c${i}\n      image: ${image}\n`).join('')}`;
}

function dockerLogin(ws: Workspace, host: string, login: { username: string; password: string }): void {
  ws.write('docker/config.json', JSON.stringify({ auths: { [host]: { auth: Buffer.from(`${login.username}:${login.password}`).toString('base64') } } }));
}

function envCredentials(slug: string, login: { username: string; password: string }, host?: string): NodeJS.ProcessEnv {
  const key = `REPLICATED_REGISTRIES_${slug.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
  return { [`${key}_USERNAME`]: login.username, [`${key}_PASSWORD`]: login.password, ...(host ? { [`${key}_HOST`]: host } : {}) };
}

async function timed(args: string[], ws: Workspace, env: NodeJS.ProcessEnv = {}): Promise<CliRun & { ms: number }> {
  const started = Date.now();
  const run = await cli(args, { cwd: ws.dir, env: { ...ws.env, ...env } });
  return { ...run, ms: Date.now() - started };
}

function lintResults(run: CliRun): Array<{ code: string; message: string; file: string }> {
  return JSON.parse(run.stdout) as Array<{ code: string; message: string; file: string }>;
}

function assertNothingLeaked(requests: readonly CapturedRequest[], what: string): void {
  assert.deepEqual(leakedSecrets(requests, ALL_SECRETS), [], `${what} received a secret: ${JSON.stringify(requests)}`);
  assert.equal(
    requests.filter((r) => r.headers.authorization !== undefined && !/^Bearer attacker-token$/.test(r.headers.authorization)).length,
    0,
    `${what} received an Authorization header: ${JSON.stringify(requests.map((r) => r.headers.authorization))}`,
  );
}

void describe('attacks through the CLI (lint, registry test)', () => {
  let lab: RunningRegistry;
  let tokens: TokenRegistry;
  let attacker: AttackerHost;
  let plainAttacker: AttackerHost;
  const stopping: Array<{ stop(): Promise<void> }> = [];

  before(async () => {
    work = makeTempDir('attacks');
    lab = await startHtpasswdRegistry({ tls: true, users: { [LAB.username]: LAB.password } });
    await pushImage(lab, { repository: 'acme/api', tag: '1.0', format: 'oci', username: LAB.username, password: LAB.password });
    tokens = await startTokenRegistry({ users: { [READER.username]: { password: READER.password, pull: ['acme/*'] } } });
    await pushImage(tokens, { repository: 'acme/web', tag: '2.0', format: 'oci', username: tokens.admin.username, password: tokens.admin.password });
    attacker = await startAttackerHost({ tls: true });
    plainAttacker = await startAttackerHost({ tls: false, responder: tokenRegistry });
    stopping.push(lab, tokens, attacker, plainAttacker);
  });

  after(async () => {
    for (const running of stopping) await running.stop();
    if (work) removeTempDir(work);
    // Nothing a run printed holds a secret, whatever the case.
    assert.deepEqual(ALL_SECRETS.filter((secret) => transcript.join('\n').includes(secret)), [], 'a secret was printed');
  });

  void it('1. environment credentials follow the host, not the slug: a file re-pointing `lab` at the attacker gets nothing', async () => {
    const creds = envCredentials('lab', LAB, lab.host);
    // Control: where the credentials were given, they work.
    const legit = workspace('env-legit', [{ slug: 'lab', provider: 'other', endpoint: lab.host, caFile: lab.caFile }], { 'pod.yaml': pod(`${lab.host}/acme/api:1.0`) });
    const ok = await timed(['registry', 'test', 'lab', '--image', 'acme/api:1.0'], legit, creds);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /these credentials can pull it/);

    // The hostile file: same slug, the attacker's host, and the attacker's own CA committed beside it.
    attacker.requests.length = 0;
    attacker.respond(basicRegistry);
    const hostile = workspace('env-hostile', [{ slug: 'lab', provider: 'other', endpoint: attacker.host, caFile: attacker.caFile }], { 'pod.yaml': pod(`${attacker.host}/acme/api:1.0`) });
    const linted = await timed(['lint', '--format', 'json'], hostile, creds);
    const missing = lintResults(linted).find((r) => r.code === 'credentials-missing');
    assert.ok(missing, linted.stdout + linted.stderr);
    assert.match(missing.message, new RegExp(`the credentials for "lab" were given for ${lab.host.replace(/\./g, '\\.')} \\(REPLICATED_REGISTRIES_LAB_HOST\\), but the registries file now says ${attacker.host.replace(/\./g, '\\.')}; they were not sent`));
    const tested = await timed(['registry', 'test', 'lab', '--image', 'acme/api:1.0'], hostile, creds);
    assert.match(tested.stderr, /were not sent.*the check ran anonymously/);
    assert.ok(attacker.requests.length > 0, 'the anonymous check did reach the attacker (so the assertion below means something)');
    assertNothingLeaked(attacker.requests, 'the attacker');

    // Without _HOST, environment credentials go nowhere, and the message names the variable to set.
    const { REPLICATED_REGISTRIES_LAB_HOST: _bound, ...unbound } = creds;
    const noHost = await timed(['registry', 'test', 'lab', '--image', 'acme/api:1.0'], legit, unbound);
    assert.equal(noHost.code, 1);
    assert.match(noHost.stderr, /REPLICATED_REGISTRIES_LAB_PASSWORD is set but not bound to a host, so it is not used: set REPLICATED_REGISTRIES_LAB_HOST/);
  });

  void it('2. a Docker Hub login never reaches a `provider: dockerhub` entry on another host (the CLI refuses the file)', async () => {
    attacker.requests.length = 0;
    const hostile = workspace('hub-hostile', [{ slug: 'hub', provider: 'dockerhub', endpoint: attacker.host, caFile: attacker.caFile }], { 'pod.yaml': pod(`${attacker.host}/acme/api:1.0`) });
    hostile.write('docker/config.json', JSON.stringify({ auths: { 'https://index.docker.io/v1/': { auth: Buffer.from(`${HUB.username}:${HUB.password}`).toString('base64') } } }));
    const linted = await timed(['lint'], hostile);
    assert.equal(linted.code, 2);
    assert.match(linted.stderr, /is not a Docker Hub host/);
    const tested = await timed(['registry', 'test', 'hub', '--image', 'acme/api:1.0'], hostile);
    assert.equal(tested.code, 2);
    assert.deepEqual(attacker.requests, [], 'nothing at all was sent to the attacker');
  });

  void it('3. the login goes only to a vetted token realm: not over plain HTTP, not to another host', async () => {
    const creds = { ...envCredentials('web', READER), REPLICATED_REGISTRIES_ALLOW_INSECURE: '' };
    const entry = (proxy: RunningFaultProxy): Array<Record<string, unknown>> => [{ slug: 'web', provider: 'other', endpoint: proxy.host, plainHttp: true }];
    // Control: the registry's own token service (same host, another port) gets the login and the pull works.
    const honest = await startFaultProxy(tokens, { kind: 'pass' });
    stopping.push(honest);
    const control = workspace('realm-control', entry(honest), { 'pod.yaml': pod(`${honest.host}/acme/web:2.0`) });
    const ok = await timed(['registry', 'test', 'web', '--image', 'acme/web:2.0', '--allow-insecure', honest.host], control, { ...creds, REPLICATED_REGISTRIES_WEB_HOST: honest.host });
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);

    for (const [name, realm, words] of [
      ['plain HTTP on another host', `${plainAttacker.url}/token`, /over plain HTTP/],
      ['HTTPS on another host', `${attacker.url}/token`, /a token service on another domain/],
    ] as const) {
      plainAttacker.requests.length = 0;
      attacker.requests.length = 0;
      attacker.respond(tokenRegistry);
      const rogue = await startFaultProxy(tokens, { kind: 'rewrite-realm', realm });
      stopping.push(rogue);
      const ws = workspace(`realm-${name.replace(/\W+/g, '-')}`, entry(rogue), { 'pod.yaml': pod(`${rogue.host}/acme/web:2.0`) });
      const env = { ...creds, REPLICATED_REGISTRIES_WEB_HOST: rogue.host, REPLICATED_REGISTRIES_ALLOW_INSECURE: rogue.host };
      const tested = await timed(['registry', 'test', 'web', '--image', 'acme/web:2.0'], ws, env);
      assert.equal(tested.code, 1, name);
      assert.match(tested.stdout, /verdict: +protocol-error/, name);
      assert.match(tested.stdout, words, name);
      assert.match(tested.stdout, /was not sent/, name);
      const linted = await timed(['lint', '--format', 'json'], ws, env);
      assert.ok(lintResults(linted).some((r) => r.code === 'pull-check-failed' && /was not sent/.test(r.message)), `${name}: ${linted.stdout}`);
      assertNothingLeaked([...plainAttacker.requests, ...attacker.requests], `the realm (${name})`);
    }
  });

  void it('4. after a redirect to another host, that host\'s challenge gets no login of the registry', async () => {
    const creds = envCredentials('lab', LAB);
    // Another address, and another port of the same address (whose token realm the realm rule alone would accept).
    const sameAddress = await startAttackerHost({ tls: false, address: '127.0.0.1', responder: tokenRegistry });
    stopping.push(sameAddress);
    for (const target of [plainAttacker, sameAddress]) {
      for (const mode of ['redirect-manifests-to', 'redirect-all-to'] as const) {
        target.requests.length = 0;
        target.respond(tokenRegistry);
        const proxy = await startFaultProxy(lab, { kind: mode, location: target.url });
        stopping.push(proxy);
        const what = `${mode} ${target.host}`;
        const ws = workspace(`redirect-${mode}-${target.host.replace(/\W+/g, '-')}`, [{ slug: 'lab', provider: 'other', endpoint: proxy.host, plainHttp: true }], { 'pod.yaml': pod(`${proxy.host}/acme/api:1.0`) });
        const env = { ...creds, REPLICATED_REGISTRIES_LAB_HOST: proxy.host, REPLICATED_REGISTRIES_ALLOW_INSECURE: proxy.host };
        const tested = await timed(['registry', 'test', 'lab', '--image', 'acme/api:1.0'], ws, env);
        assert.notEqual(tested.code, 0, `${what}: ${tested.stdout}`);
        assert.match(tested.stdout, /verdict: +protocol-error/, what);
        await timed(['lint'], ws, env);
        assert.ok(target.requests.length > 0, `${what}: the redirect did reach the attacker`);
        assertNothingLeaked(target.requests, `the redirect target (${what})`);
      }
    }
  });

  void it('5. plainHttp / insecureSkipTLSVerify from a committed file do not send a stored secret until this machine allows them', async () => {
    for (const tls of [false, true]) {
      const observer = await startAttackerHost({ tls, address: '127.0.0.1', responder: basicRegistry });
      stopping.push(observer);
      const option = tls ? { insecureSkipTLSVerify: true } : { plainHttp: true };
      const ws = workspace(`insecure-${tls ? 'tls' : 'plain'}`, [{ slug: 'dev', provider: 'other', endpoint: observer.host, ...option }], { 'pod.yaml': pod(`${observer.host}/acme/api:1.0`) });
      dockerLogin(ws, observer.host, STORED);
      const linted = await timed(['lint', '--format', 'json'], ws);
      const missing = lintResults(linted).find((r) => r.code === 'credentials-missing');
      assert.match(missing?.message ?? '', new RegExp(`allow it on this machine: pass --allow-insecure ${observer.host.replace(/\./g, '\\.')}`), linted.stdout);
      const tested = await timed(['registry', 'test', 'dev', '--image', 'acme/api:1.0'], ws);
      assert.match(tested.stderr, /they were not used.*the check ran anonymously/);
      assert.ok(observer.requests.length > 0);
      assertNothingLeaked(observer.requests, `a ${tls ? 'TLS-unverified' : 'plain-HTTP'} peer`);
      // Control: allowed on this machine (flag, or the variable in CI), the stored login is used.
      const carrying = (): number => observer.requests.filter((r) => leakedSecrets([r], [STORED.password]).length > 0).length;
      await timed(['registry', 'test', 'dev', '--image', 'acme/api:1.0', '--allow-insecure', observer.host], ws);
      const afterTest = carrying();
      assert.ok(afterTest > 0, 'allowed with --allow-insecure, the login was sent');
      await timed(['lint'], ws, { REPLICATED_REGISTRIES_ALLOW_INSECURE: observer.host });
      assert.ok(carrying() > afterTest, 'allowed with REPLICATED_REGISTRIES_ALLOW_INSECURE, the login was sent');
    }
  });

  void it('6. no password is echoed: URL userinfo in the registries file, a short password a registry repeats', async () => {
    const inFile = workspace('userinfo', [{ slug: 'lab', provider: 'other', endpoint: `https://ci:${IN_FILE}@${lab.host}` }], { 'pod.yaml': pod(`${lab.host}/acme/api:1.0`) });
    for (const args of [['lint'], ['registry', 'ls'], ['registry', 'test', 'lab', '--image', 'acme/api:1.0']]) {
      const run = await timed(args, inFile);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stdout}${run.stderr}`);
      assert.match(run.stderr, /endpoint must not hold a user name or password/);
      assert.ok(!(run.stdout + run.stderr).includes(IN_FILE));
    }

    const echoing = await startAttackerHost({ tls: false, address: '127.0.0.1' });
    stopping.push(echoing);
    // HEAD of a manifest answers 405, so the client GETs it and reads the error body, which repeats the login.
    echoing.respond((request) => {
      if (request.method === 'HEAD') return { status: 405 };
      const login = Buffer.from((request.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString();
      return {
        status: 401,
        headers: { 'www-authenticate': 'Basic realm="echo"', 'content-type': 'application/json' },
        body: JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: `login ${login} rejected: wrong password ${login.split(':')[1] ?? ''}` }] }),
      };
    });
    const ws = workspace('echo', [{ slug: 'echo', provider: 'other', endpoint: echoing.host, plainHttp: true }], { 'pod.yaml': pod(`${echoing.host}/acme/api:1.0`) });
    const env = { ...envCredentials('echo', { username: 'ci', password: SHORT }, echoing.host), REPLICATED_REGISTRIES_ALLOW_INSECURE: echoing.host };
    const tested = await timed(['registry', 'test', 'echo', '--image', 'acme/api:1.0', '-o', 'json'], ws, env);
    const linted = await timed(['lint', '--format', 'sarif'], ws, env);
    assert.ok(echoing.requests.some((r) => leakedSecrets([r], [SHORT]).length > 0), 'the registry did get (and echo) the password');
    assert.match(tested.stdout + tested.stderr, /wrong password \*\*\*\*/);
    for (const run of [tested, linted]) assert.ok(!(run.stdout + run.stderr).includes(SHORT), run.stdout + run.stderr);
  });

  void it('7. an alias bomb and a flood of aliases in a manifest: lint finishes, with one finding', async () => {
    const lines = ['apiVersion: v1', 'kind: ConfigMap', 'data:', '  l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) lines.push(`  l${i}: &l${i} [${Array(9).fill(`*l${i - 1}`).join(',')}]`);
    let flood = 'base: &b {x: 1}\nitems:\n';
    while (flood.length < 200 * 1024) flood += '  - *b\n';
    const ws = workspace('bomb', [], { 'bomb.yaml': `${lines.join('\n')}\n`, 'flood.yaml': flood, 'pod.yaml': pod('nginx:1.27') });
    const linted = await timed(['lint', '--offline', '--format', 'json'], ws);
    assert.ok(linted.ms < HOSTILE_RUN_DEADLINE_MS, `${linted.ms} ms`);
    const limits = lintResults(linted).filter((r) => r.code === 'analysis-limit');
    assert.deepEqual(limits.map((r) => r.file), ['bomb.yaml']);
    assert.match(limits[0]?.message ?? '', /expand to more than 100,000 nodes/);
  });

  void it('8. a caFile that is a FIFO (or a device) cannot hang `registry test` or `lint`', async () => {
    const ws = workspace('fifo', [{ slug: 'lab', provider: 'other', endpoint: lab.host, caFile: 'ca.fifo' }], { 'pod.yaml': pod(`${lab.host}/acme/api:1.0`) });
    execFileSync('mkfifo', [path.join(ws.dir, 'ca.fifo')]);
    const env = envCredentials('lab', LAB, lab.host);
    const tested = await timed(['registry', 'test', 'lab', '--image', 'acme/api:1.0'], ws, env);
    assert.ok(tested.ms < HOSTILE_RUN_DEADLINE_MS, `${tested.ms} ms`);
    assert.match(tested.stdout, /the CA file .*ca\.fifo could not be read \(it is a named pipe \(FIFO\), not a regular file\)/);
    const linted = await timed(['lint', '--format', 'json'], ws, env);
    assert.ok(linted.ms < HOSTILE_RUN_DEADLINE_MS, `${linted.ms} ms`);
    assert.ok(lintResults(linted).some((r) => /named pipe/.test(r.message)), linted.stdout);
    const device = workspace('device', [{ slug: 'lab', provider: 'other', endpoint: lab.host, caFile: '/dev/zero' }]);
    const zero = await timed(['registry', 'test', 'lab', '--image', 'acme/api:1.0'], device, env);
    assert.match(zero.stdout, /a character device, not a regular file/);
  });

  void it('9. a 50 MB or deeply nested registries file is refused at once with a clear error', async () => {
    const huge = workspace('huge-registries', [], { 'pod.yaml': pod('nginx:1.27') });
    const entries: string[] = [];
    for (let i = 0; i < 750_000; i++) entries.push(`  - slug: r${i}\n    provider: other\n    endpoint: r${i}.example.com\n`);
    huge.write('.replicated-registries.yaml', `registries:\n${entries.join('')}`);
    const deep = workspace('deep-registries', [], { 'pod.yaml': pod('nginx:1.27') });
    deep.write('.replicated-registries.yaml', `registries: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`);
    for (const [ws, words] of [
      [huge, /more than the 1 MiB limit/],
      [deep, /nests deeper than 200 levels here/],
    ] as const) {
      for (const args of [['lint', '--offline'], ['registry', 'ls']]) {
        const run = await timed(args, ws);
        assert.equal(run.code, 2, run.stderr);
        assert.ok(run.ms < HOSTILE_RUN_DEADLINE_MS, `${run.ms} ms`);
        assert.match(run.stderr, words);
        assert.doesNotMatch(run.stderr, /Maximum call stack/);
      }
    }
  });
});
