import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { formatFlagHelp, parseFlags } from '../../server/src/cli/flags';
import { runRegistryCommand } from '../../server/src/cli/commands/registry/index';
import { ExitCode, UsageError, type CliIO } from '../../server/src/cli/io';
import { main } from '../../server/src/cli/main';
import type { ConnectionSettings, Credentials, PullCheckResult, Verdict } from '../../server/src/registry/types';

void describe('parseFlags (node:util parseArgs underneath)', () => {
  const specs = {
    name: { type: 'string', description: 'n' },
    output: { type: 'string', short: 'o', choices: ['table', 'json'], description: 'o' },
    verbose: { type: 'boolean', short: 'v', description: 'v' },
    'app-ids': { type: 'list', description: 'a' },
  } as const;

  void it('reads long, short, = and attached forms, booleans, lists and positionals', () => {
    const { flags, positionals } = parseFlags(['pos1', '--name', 'x', '-o', 'json', '--verbose', '--app-ids', 'a,b', '--app-ids=c', 'pos2'], specs);
    assert.deepEqual(flags, { name: 'x', output: 'json', verbose: true, 'app-ids': ['a', 'b', 'c'] });
    assert.deepEqual(positionals, ['pos1', 'pos2']);
    assert.deepEqual(parseFlags(['--name=a=b', '-ojson'], specs).flags, { name: 'a=b', output: 'json' });
  });

  void it('takes a value that starts with a dash only in the = form, and says so', () => {
    assert.equal(parseFlags(['--name=-weird-'], specs).flags.name, '-weird-');
    assert.throws(() => parseFlags(['--name', '--verbose'], specs), /--name needs a value; to give one that starts with "-", write --name=VALUE/);
  });

  void it('stops at --', () => {
    assert.deepEqual(parseFlags(['--', '--name', 'x'], specs), { flags: {}, positionals: ['--name', 'x'] });
  });

  void it('rejects unknown flags, missing values, bad choices and values of booleans as usage errors', () => {
    const usage = (argv: string[], pattern: RegExp): void => assert.throws(() => parseFlags(argv, specs, 'registry ls'), (err: unknown) => err instanceof UsageError && pattern.test(err.message));
    usage(['--nmae', 'x'], /unknown flag --nmae for registry ls/);
    usage(['--verbos'], /unknown flag --verbos for registry ls; did you mean --verbose\?/);
    usage(['-x'], /unknown flag -x/);
    usage(['--name'], /--name needs a value/);
    usage(['-o', 'yaml'], /--output must be one of table, json, not "yaml"/);
    usage(['--verbose=maybe'], /--verbose takes no value/);
  });

  void it('formats aligned help', () => {
    const help = formatFlagHelp(specs);
    assert.match(help, /^ {2}\s{4}--name VALUE\s+n$/m);
    assert.match(help, /^ {2}-o, --output table\|json\s+o$/m);
  });
});

// ---------------------------------------------------------------------------------------------

interface FakeIO extends CliIO {
  out(): string;
  err(): string;
}

type StdinMode = { text: string } | 'closed' | 'open' | { tty: string };

function fakeIO(cwd: string, env: NodeJS.ProcessEnv, stdinMode: StdinMode = 'closed'): FakeIO {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const stdin = new PassThrough() as PassThrough & { isTTY?: boolean; setRawMode?: (mode: boolean) => void; rawModes?: boolean[] };
  if (stdinMode === 'closed') stdin.end();
  else if (stdinMode === 'open') {
    // Open and silent: like a CI job whose stdin is an inherited pipe nobody writes to.
  } else if ('text' in stdinMode) stdin.end(stdinMode.text);
  else {
    stdin.isTTY = true;
    stdin.rawModes = [];
    stdin.setRawMode = (mode: boolean) => stdin.rawModes?.push(mode);
    // Keystrokes arrive once the prompt is listening.
    const keys = stdinMode.tty;
    stdin.once('resume', () => setImmediate(() => stdin.write(keys)));
  }
  return { stdout, stderr, stdin, env, cwd, out: () => out, err: () => err };
}

interface Call {
  conn: ConnectionSettings;
  credentials: Credentials | undefined;
  target: { repository: string; reference: string };
}

/** A stand-in for the registry client: answers with the verdict the test picks, and records what it was asked. */
function fakeClient(verdictFor: (call: Call) => Verdict): { calls: Call[]; checkPull: (conn: ConnectionSettings, credentials: Credentials | undefined, target: { repository: string; reference: string }) => Promise<PullCheckResult> } {
  const calls: Call[] = [];
  return {
    calls,
    checkPull: (conn, credentials, target) => {
      const call = { conn, credentials, target };
      calls.push(call);
      const verdict = verdictFor(call);
      return Promise.resolve({
        verdict,
        image: `${conn.endpoint}/${target.repository}:${target.reference}`,
        message: verdict === 'ok' ? 'The credentials can pull this image.' : `The registry said ${verdict}.`,
        ...(verdict === 'ok' ? { digest: 'sha256:' + 'a'.repeat(64), mediaType: 'application/vnd.oci.image.manifest.v1+json', httpStatus: 200 } : { hint: 'Check the credentials.', httpStatus: 401 }),
        requests: 3,
        durationMs: 12,
      });
    },
  };
}

/** Runs the command the way main() does: a UsageError is one line on stderr and exit 2. */
async function cli(argv: string[], io: FakeIO, client = fakeClient(() => 'ok')): Promise<number> {
  try {
    return await runRegistryCommand(argv, io, { client });
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`replicated-registries: ${err.message}\n`);
      return ExitCode.usage;
    }
    throw err;
  }
}

let root: string;
let caseCounter = 0;
before(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'registry-cli-'));
});
after(() => rmSync(root, { recursive: true, force: true }));

function workspace(): { cwd: string; env: NodeJS.ProcessEnv; file: string; dockerConfig: string } {
  const cwd = path.join(root, `ws-${++caseCounter}`);
  mkdirSync(cwd, { recursive: true });
  const dockerDir = path.join(cwd, 'docker');
  return { cwd, env: { DOCKER_CONFIG: dockerDir, HOME: path.join(cwd, 'home'), PATH: process.env.PATH ?? '' }, file: path.join(cwd, '.replicated-registries.yaml'), dockerConfig: path.join(dockerDir, 'config.json') };
}

function allFilesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? allFilesUnder(path.join(dir, d.name)) : [path.join(dir, d.name)]));
}

const ADD_OTHER = ['add', 'other', '--endpoint', 'registry.example.com:5000', '--username', 'bob', '--name', 'acme'];

void describe('registry add', () => {
  void it('reads the password from piped stdin, checks the login, stores the secret in the Docker config and the rest in the file', async () => {
    const ws = workspace();
    const client = fakeClient(() => 'repository-not-found');
    const io = fakeIO(ws.cwd, ws.env, { text: '  piped-secret-1\n' });
    assert.equal(await cli([...ADD_OTHER, '--password-stdin', '--app-ids', 'app-1,app-2'], io, client), 0, io.err());
    assert.equal(client.calls.length, 1);
    assert.deepEqual(client.calls[0]?.credentials, { username: 'bob', secret: 'piped-secret-1' });
    assert.deepEqual(client.calls[0]?.target, { repository: 'replicated-registries/credential-probe', reference: 'latest' }, 'without --image only the login is probed');
    assert.match(io.out(), /Registry "acme" added to .*\.replicated-registries\.yaml/);
    assert.match(io.out(), /Secret stored in .*docker\/config\.json \(never in the registries file\)/);
    assert.match(io.out(), /Check passed: registry.example.com:5000 accepted the login/);
    const file = readFileSync(ws.file, 'utf8');
    assert.match(file, /- slug: acme\n {4}provider: other\n {4}endpoint: registry.example.com:5000\n {4}authType: password\n {4}username: bob\n {4}appIds: \[app-1, app-2\]\n/);
    const docker = JSON.parse(readFileSync(ws.dockerConfig, 'utf8')) as { auths: Record<string, { auth: string }> };
    assert.equal(Buffer.from(docker.auths['registry.example.com:5000']?.auth ?? '', 'base64').toString(), 'bob:piped-secret-1');
    assert.equal(statSync(ws.dockerConfig).mode & 0o777, 0o600);
    for (const f of allFilesUnder(ws.cwd).filter((f) => f !== ws.dockerConfig)) assert.doesNotMatch(readFileSync(f, 'utf8'), /piped-secret-1/, f);
    assert.doesNotMatch(io.out() + io.err(), /piped-secret-1/);
  });

  void it('tests the given --image instead of the probe', async () => {
    const ws = workspace();
    const client = fakeClient(() => 'ok');
    const io = fakeIO(ws.cwd, ws.env, { text: 'secret-img' });
    assert.equal(await cli([...ADD_OTHER, '--password-stdin', '--image', 'team/app:1.2'], io, client), 0, io.err());
    assert.deepEqual(client.calls[0]?.target, { repository: 'team/app', reference: '1.2' });
    assert.match(io.out(), /Check passed: the credentials can pull .*team\/app:1\.2 \(sha256:a{64}\)/);
  });

  void it('saves nothing and exits 1 when the check fails', async () => {
    const ws = workspace();
    const io = fakeIO(ws.cwd, ws.env, { text: 'wrong-secret' });
    assert.equal(await cli([...ADD_OTHER, '--password-stdin'], io, fakeClient(() => 'unauthorized')), 1);
    assert.match(io.err(), /verdict: +unauthorized/);
    assert.match(io.err(), /registry.example.com:5000 rejected the login: The registry said unauthorized; nothing was saved \(fix what the check reports, or pass --skip-validation/);
    assert.equal(existsSync(ws.file), false);
    assert.equal(existsSync(ws.dockerConfig), false);
    assert.doesNotMatch(io.err(), /wrong-secret/);
    const down = fakeIO(ws.cwd, ws.env, { text: 'any-secret' });
    assert.equal(await cli([...ADD_OTHER, '--password-stdin'], down, fakeClient(() => 'unreachable')), 1);
    assert.match(down.err(), /the login to registry.example.com:5000 could not be checked \(unreachable\): The registry said unreachable; nothing was saved/);
    assert.equal(existsSync(ws.file), false);
  });

  void it('with --skip-validation saves without asking the registry', async () => {
    const ws = workspace();
    const client = fakeClient(() => 'unauthorized');
    const io = fakeIO(ws.cwd, ws.env, { text: 'unchecked-secret' });
    assert.equal(await cli([...ADD_OTHER, '--password-stdin', '--skip-validation', '-o', 'json'], io, client), 0, io.err());
    assert.equal(client.calls.length, 0);
    const printed = JSON.parse(io.out()) as { added: boolean; registry: { slug: string }; validation: null };
    assert.deepEqual([printed.added, printed.registry.slug, printed.validation], [true, 'acme', null]);
  });

  void it('fails fast with a clear message when stdin is closed or empty (not a terminal)', async () => {
    for (const mode of ['closed', { text: '  \n' }] as const) {
      const ws = workspace();
      const io = fakeIO(ws.cwd, ws.env, mode);
      assert.equal(await cli([...ADD_OTHER, '--password-stdin'], io), 2);
      assert.match(io.err(), /--password-stdin: stdin is empty \(it is not a terminal, so there is no prompt\); pipe the password in/);
      assert.equal(io.err().trim().split('\n').length, 1, 'one line');
      assert.equal(existsSync(ws.file), false);
    }
  });

  void it('does not hang on an open stdin that never delivers', async () => {
    const ws = workspace();
    const io = fakeIO(ws.cwd, { ...ws.env, REPLICATED_REGISTRIES_STDIN_TIMEOUT_MS: '200' }, 'open');
    const started = Date.now();
    assert.equal(await cli([...ADD_OTHER, '--password-stdin'], io), 2);
    assert.match(io.err(), /stdin is not a terminal and nothing arrived within/);
    assert.ok(Date.now() - started < 5000);
  });

  void it('prompts with echo off on a terminal', async () => {
    const ws = workspace();
    const io = fakeIO(ws.cwd, ws.env, { tty: 'typx\u007fed-secret\r' });
    const client = fakeClient(() => 'ok');
    assert.equal(await cli([...ADD_OTHER, '--password-stdin'], io, client), 0, io.err());
    assert.equal(client.calls[0]?.credentials?.secret, 'typed-secret');
    assert.match(io.err(), /^Password: \n/);
    assert.deepEqual((io.stdin as unknown as { rawModes: boolean[] }).rawModes, [true, false]);
    assert.doesNotMatch(io.err(), /typed-secret/);
  });

  void it('accepts the secret as a flag value with a warning', async () => {
    const ws = workspace();
    const io = fakeIO(ws.cwd, ws.env);
    assert.equal(await cli([...ADD_OTHER, '--password', 'flag-secret'], io), 0, io.err());
    assert.match(io.err(), /warning: --password on the command line can leak into shell history and process lists; use --password-stdin instead/);
  });

  void it('fills in each provider’s endpoint, auth type and username', async () => {
    const keyFile = path.join(root, 'sa.json');
    writeFileSync(keyFile, JSON.stringify({ type: 'service_account', client_email: 'ci@p.iam.gserviceaccount.com', private_key: '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n' }));
    const cases: Array<[string[], string, string, string, string | undefined]> = [
      [['add', 'dockerhub', '--username', 'hubber', '--password-stdin'], 'index.docker.io', 'password', 'hubber', 'hubber'],
      [['add', 'dockerhub', '--username', 'hubber', '--token-stdin'], 'index.docker.io', 'token', 'hubber', 'hubber'],
      [['add', 'ecr', '--endpoint', '123456789012.dkr.ecr.us-east-1.amazonaws.com', '--accesskeyid', 'AKIAEXAMPLE', '--secretaccesskey-stdin'], '123456789012.dkr.ecr.us-east-1.amazonaws.com', 'accesskey', 'AKIAEXAMPLE', 'AKIAEXAMPLE'],
      [['add', 'gar', '--endpoint', 'us-docker.pkg.dev', '--serviceaccountkey', keyFile], 'us-docker.pkg.dev', 'serviceaccount', '_json_key', undefined],
      [['add', 'gar', '--endpoint', 'us-docker.pkg.dev', '--token-stdin'], 'us-docker.pkg.dev', 'token', 'oauth2accesstoken', undefined],
      [['add', 'gcr', '--serviceaccountkey', keyFile], 'gcr.io', 'serviceaccount', '_json_key', undefined],
      [['add', 'ghcr', '--username', 'acme-bot', '--token-stdin'], 'ghcr.io', 'token', 'acme-bot', 'acme-bot'],
      [['add', 'quay', '--username', 'q', '--password-stdin'], 'quay.io', 'password', 'q', 'q'],
    ];
    for (const [argv, endpoint, authType, loginName, fileUsername] of cases) {
      const ws = workspace();
      const client = fakeClient(() => 'ok');
      const io = fakeIO(ws.cwd, ws.env, { text: 'provider-secret' });
      assert.equal(await cli([...argv, '-o', 'json'], io, client), 0, `${argv.join(' ')}: ${io.err()}`);
      const { registry } = JSON.parse(io.out()) as { registry: { endpoint: string; authType: string; username?: string } };
      assert.deepEqual([registry.endpoint, registry.authType, registry.username], [endpoint, authType, fileUsername], argv.join(' '));
      assert.equal(client.calls[0]?.credentials?.username, loginName, argv.join(' '));
      assert.doesNotMatch(readFileSync(ws.file, 'utf8'), /provider-secret|PRIVATE KEY/);
    }
  });

  void it('rejects wrong flags for a provider, missing required flags and mismatched endpoints with exit 2', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['add', 'ghcr', '--endpoint', 'ghcr.io', '--username', 'x', '--token-stdin'], /unknown flag --endpoint for registry add ghcr/],
      [['add', 'quay', '--ca-file', 'x.pem'], /unknown flag --ca-file for registry add quay/],
      [['add', 'ecr', '--accesskeyid', 'A', '--secretaccesskey-stdin'], /registry add ecr needs --endpoint/],
      [['add', 'ecr', '--endpoint', 'ghcr.io', '--accesskeyid', 'A', '--secretaccesskey-stdin'], /--endpoint ghcr.io is not a Amazon ECR host; it is GitHub Container Registry: use `registry add ghcr`/],
      [['add', 'other', '--endpoint', 'https://r.example', '--username', 'u', '--password-stdin'], /without a scheme: write `r.example`/],
      [['add', 'other', '--endpoint', 'r.example', '--password-stdin'], /registry add other needs --username/],
      [['add', 'other', '--endpoint', 'r.example', '--username', 'u', '--password', 'p', '--password-stdin'], /either --password or --password-stdin, not both/],
      [['add', 'dockerhub', '--authtype', 'password', '--username', 'u', '--token-stdin'], /--token \/ --token-stdin go with --authtype token/],
      [['add', 'gar', '--endpoint', 'us-docker.pkg.dev', '--serviceaccountkey', '/nonexistent/key.json'], /cannot read the key file \(ENOENT\)/],
      [['add', 'other', '--endpoint', 'r.example', '--username', 'u', '--password-stdin', '--ca-file', 'missing.pem'], /--ca-file missing.pem: no such file/],
      [['add', 'nexus'], /unknown provider "nexus"; use one of dockerhub, ecr, gar, gcr, ghcr, quay, other/],
      [['add', 'other', '--endpoint', 'r.example', '--username', 'u', '--password-stdin', '--config', 'no/such/dir/r.yaml'], /--config no\/such\/dir\/r.yaml: the folder .* does not exist; create it first/],
    ];
    for (const [argv, pattern] of cases) {
      const ws = workspace();
      const io = fakeIO(ws.cwd, ws.env, { text: 'p' });
      assert.equal(await cli(argv, io), 2, argv.join(' '));
      assert.match(io.err(), pattern, argv.join(' '));
      assert.equal(existsSync(ws.file), false);
    }
  });

  void it('rejects a JSON that is not a service-account key, without echoing it', async () => {
    const ws = workspace();
    const io = fakeIO(ws.cwd, ws.env, { text: '{"type":"authorized_user","refresh_token":"rt-secret"}' });
    assert.equal(await cli(['add', 'gcr', '--serviceaccountkey-stdin'], io), 2);
    assert.match(io.err(), /not a service-account key/);
    assert.doesNotMatch(io.err(), /rt-secret/);
  });

  void it('prints help per provider', async () => {
    const ws = workspace();
    const io = fakeIO(ws.cwd, ws.env);
    assert.equal(await cli(['add', 'other', '--help'], io), 0);
    assert.match(io.out(), /Usage: replicated-registries registry add other/);
    assert.match(io.out(), /--ca-file PEM/);
    assert.match(io.out(), /--insecure-skip-tls-verify/);
  });

  void it('writes relative caFile paths and the connection options for other', async () => {
    const ws = workspace();
    mkdirSync(path.join(ws.cwd, 'certs'));
    writeFileSync(path.join(ws.cwd, 'certs', 'ca.pem'), 'PEM');
    const io = fakeIO(ws.cwd, ws.env, { text: 's3cret' });
    assert.equal(await cli([...ADD_OTHER, '--password-stdin', '--ca-file', 'certs/ca.pem', '--plain-http', '--insecure-skip-tls-verify', '--skip-validation'], io), 0, io.err());
    assert.match(readFileSync(ws.file, 'utf8'), /caFile: certs\/ca.pem\n {4}insecureSkipTLSVerify: true\n {4}plainHttp: true\n/);
  });
});

async function seeded(): Promise<ReturnType<typeof workspace>> {
  const ws = workspace();
  for (const [name, endpoint] of [
    ['acme', 'registry.example.com:5000'],
    ['mirror', 'mirror.example.com'],
  ]) {
    const io = fakeIO(ws.cwd, ws.env, { text: `${name}-stored-secret` });
    assert.equal(await cli(['add', 'other', '--endpoint', endpoint as string, '--username', 'bob', '--name', name as string, '--password-stdin', '--skip-validation'], io), 0, io.err());
  }
  return ws;
}

void describe('registry add of an existing name', () => {
  void it('says it replaced the registry (text and JSON), never just "added"', async () => {
    const ws = await seeded();
    const io = fakeIO(ws.cwd, ws.env, { text: 'replacement-secret' });
    assert.equal(await cli(['add', 'other', '--endpoint', 'registry.example.com:5000', '--username', 'alice', '--name', 'acme', '--password-stdin', '--skip-validation'], io), 0, io.err());
    assert.match(io.out(), /Registry "acme" replaced in .*\.replicated-registries\.yaml \(it existed/);
    const fresh = fakeIO(ws.cwd, ws.env, { text: 'other-secret' });
    assert.equal(await cli(['add', 'other', '--endpoint', 'new.example.com', '--username', 'bob', '--name', 'brand-new', '--password-stdin', '--skip-validation', '-o', 'json'], fresh), 0, fresh.err());
    assert.equal((JSON.parse(fresh.out()) as { replaced: boolean }).replaced, false);
    const again = fakeIO(ws.cwd, ws.env, { text: 'third-secret' });
    assert.equal(await cli(['add', 'other', '--endpoint', 'new.example.com', '--username', 'bob', '--name', 'brand-new', '--password-stdin', '--skip-validation', '-o', 'json'], again), 0, again.err());
    assert.equal((JSON.parse(again.out()) as { replaced: boolean }).replaced, true);
  });
});

void describe('writing the registries file', () => {
  void it('keeps the file’s mode and leaves no temp file behind', async () => {
    const ws = workspace();
    writeFileSync(ws.file, '# ours\nregistries: []\n', { mode: 0o640 });
    chmodSync(ws.file, 0o640);
    const io = fakeIO(ws.cwd, ws.env, { text: 'mode-secret' });
    assert.equal(await cli([...ADD_OTHER, '--password-stdin', '--skip-validation'], io), 0, io.err());
    assert.equal(statSync(ws.file).mode & 0o777, 0o640);
    assert.ok(readFileSync(ws.file, 'utf8').startsWith('# ours\nregistries:\n  - slug: acme\n'));
    assert.deepEqual(readdirSync(ws.cwd).filter((f) => f.includes('.tmp')), []);
  });
});

void describe('registry ls', () => {
  void it('prints a table like the replicated CLI, filtered by slug or endpoint, and JSON', async () => {
    const ws = await seeded();
    const io = fakeIO(ws.cwd, ws.env);
    assert.equal(await cli(['ls'], io), 0);
    assert.equal(
      io.out(),
      'NAME     PROVIDER   ENDPOINT                    APP_IDS   AUTHTYPE\n' + 'acme     other      registry.example.com:5000             password\n' + 'mirror   other      mirror.example.com                    password\n',
    );
    const filtered = fakeIO(ws.cwd, ws.env);
    assert.equal(await cli(['ls', 'mirror.example.com'], filtered), 0);
    assert.deepEqual(
      filtered
        .out()
        .trim()
        .split('\n')
        .map((l) => l.split(/\s+/)[0]),
      ['NAME', 'mirror'],
    );
    const json = fakeIO(ws.cwd, ws.env);
    assert.equal(await cli(['ls', '-o', 'json'], json), 0);
    assert.deepEqual(JSON.parse(json.out()), [
      { slug: 'acme', provider: 'other', endpoint: 'registry.example.com:5000', authType: 'password', username: 'bob' },
      { slug: 'mirror', provider: 'other', endpoint: 'mirror.example.com', authType: 'password', username: 'bob' },
    ]);
  });

  void it('exits 2 naming the known registries when NAME matches none', async () => {
    const ws = await seeded();
    const io = fakeIO(ws.cwd, ws.env);
    assert.equal(await cli(['ls', 'acmee'], io), 2);
    assert.equal(io.out(), '');
    assert.match(io.err(), /no registry named "acmee" \(known: acme, mirror\)/);
  });

  void it('finds the file from a subfolder, or takes --config', async () => {
    const ws = await seeded();
    const sub = path.join(ws.cwd, 'charts', 'web');
    mkdirSync(sub, { recursive: true });
    const io = fakeIO(sub, ws.env);
    assert.equal(await cli(['ls', '-o', 'json'], io), 0);
    assert.equal((JSON.parse(io.out()) as unknown[]).length, 2);
    const elsewhere = workspace();
    const viaConfig = fakeIO(elsewhere.cwd, ws.env);
    assert.equal(await cli(['ls', '--config', ws.file, '-o', 'json'], viaConfig), 0);
    assert.equal((JSON.parse(viaConfig.out()) as unknown[]).length, 2);
    const missing = fakeIO(elsewhere.cwd, ws.env);
    assert.equal(await cli(['ls', '--config', 'nope.yaml'], missing), 2);
    assert.match(missing.err(), /--config nope.yaml: no such file/);
  });

  void it('shows an empty table and a note without a file; exits 2 with file:line:col for a broken file', async () => {
    const ws = workspace();
    const io = fakeIO(ws.cwd, ws.env);
    assert.equal(await cli(['ls'], io), 0);
    assert.equal(io.out(), 'NAME   PROVIDER   ENDPOINT   APP_IDS   AUTHTYPE\n');
    assert.match(io.err(), /note: no \.replicated-registries\.yaml in .* or any parent folder/);
    writeFileSync(ws.file, 'registries:\n  - provider: ghcr\n    endpoint: ghcr.io\n    token: oops\n');
    const broken = fakeIO(ws.cwd, ws.env);
    assert.equal(await cli(['ls'], broken), 2);
    assert.match(broken.err(), /\.replicated-registries\.yaml:4:5 `token`: secrets do not belong in this file/);
    assert.doesNotMatch(broken.err(), /oops/);
  });
});

void describe('registry rm', () => {
  void it('removes the entry, prints "Registry removed" and erases its stored secret', async () => {
    const ws = await seeded();
    const io = fakeIO(ws.cwd, ws.env);
    assert.equal(await cli(['rm', 'acme'], io), 0, io.err());
    assert.match(io.out(), /^Registry removed\nSecret for registry.example.com:5000 erased from .*config\.json\n$/);
    assert.doesNotMatch(readFileSync(ws.file, 'utf8'), /acme/);
    const auths = (JSON.parse(readFileSync(ws.dockerConfig, 'utf8')) as { auths: object }).auths;
    assert.deepEqual(Object.keys(auths), ['mirror.example.com']);
    const again = fakeIO(ws.cwd, ws.env);
    assert.equal(await cli(['rm', 'acme'], again), 2);
    assert.match(again.err(), /no registry named "acme" \(known: mirror\); run `replicated-registries registry ls`/);
  });

  void it('needs exactly one name', async () => {
    const ws = await seeded();
    const io = fakeIO(ws.cwd, ws.env);
    assert.equal(await cli(['rm'], io), 2);
    assert.match(io.err(), /registry rm takes exactly one NAME/);
  });
});

void describe('registry test', () => {
  void it('uses the stored credentials, prints the verdict and exits 0 or 1', async () => {
    const ws = await seeded();
    const client = fakeClient((call) => (call.target.reference === 'v1' ? 'ok' : 'tag-not-found'));
    const ok = fakeIO(ws.cwd, ws.env);
    assert.equal(await cli(['test', 'acme', '--image', 'team/app:v1'], ok, client), 0, ok.err());
    assert.deepEqual(client.calls[0]?.credentials, { username: 'bob', secret: 'acme-stored-secret', origin: 'docker-config' });
    assert.match(ok.out(), /^verdict: +ok$/m);
    assert.match(ok.out(), /^digest: +sha256:a{64}$/m);
    assert.match(ok.out(), /^mediaType: +application\/vnd\.oci\.image\.manifest\.v1\+json$/m);
    assert.match(ok.out(), /^requests: +3$/m);

    const missing = fakeIO(ws.cwd, ws.env);
    assert.equal(await cli(['test', 'registry.example.com:5000', '--image', 'registry.example.com:5000/team/app:v2', '-o', 'json'], missing, client), 1);
    assert.equal((JSON.parse(missing.out()) as PullCheckResult).verdict, 'tag-not-found');
    assert.deepEqual(client.calls[1]?.target, { repository: 'team/app', reference: 'v2' });
    assert.match(missing.err(), /tag-not-found — The registry said tag-not-found\./);
    assert.doesNotMatch(ok.out() + ok.err() + missing.out() + missing.err(), /acme-stored-secret/);
  });

  void it('falls back to environment variables, and says when it tests anonymously', async () => {
    const ws = workspace();
    writeFileSync(ws.file, 'registries:\n  - slug: ci-reg\n    provider: other\n    endpoint: ci.example\n');
    const client = fakeClient(() => 'ok');
    const env = { ...ws.env, REPLICATED_REGISTRIES_CI_REG_HOST: 'ci.example', REPLICATED_REGISTRIES_CI_REG_USERNAME: 'ci', REPLICATED_REGISTRIES_CI_REG_PASSWORD: 'env-pass' };
    assert.equal(await cli(['test', 'ci-reg', '--image', 'a/b:1'], fakeIO(ws.cwd, env), client), 0);
    assert.deepEqual(client.calls[0]?.credentials, { username: 'ci', secret: 'env-pass', origin: 'environment' });
    const anonymous = fakeIO(ws.cwd, ws.env);
    assert.equal(await cli(['test', 'ci-reg', '--image', 'a/b:1'], anonymous, client), 0);
    assert.equal(client.calls[1]?.credentials, undefined);
    assert.match(
      anonymous.err(),
      /note: no credentials found for "ci-reg" \(looked in .*config\.json and REPLICATED_REGISTRIES_CI_REG_USERNAME \/ REPLICATED_REGISTRIES_CI_REG_PASSWORD with REPLICATED_REGISTRIES_CI_REG_HOST\); the check ran anonymously/,
    );
    // Bound to another host (or to none): not used, and the note says why and what to set.
    const elsewhere = fakeIO(ws.cwd, { ...env, REPLICATED_REGISTRIES_CI_REG_HOST: 'other.example' });
    assert.equal(await cli(['test', 'ci-reg', '--image', 'a/b:1'], elsewhere, client), 0);
    assert.equal(client.calls[2]?.credentials, undefined);
    assert.match(elsewhere.err(), /note: the credentials for "ci-reg" were given for other\.example \(REPLICATED_REGISTRIES_CI_REG_HOST\), but the registries file now says ci\.example; they were not sent\. If the registry really moved, set REPLICATED_REGISTRIES_CI_REG_HOST=ci\.example; the check ran anonymously/);
    const { REPLICATED_REGISTRIES_CI_REG_HOST: _host, ...unbound } = env;
    const noHost = fakeIO(ws.cwd, unbound);
    assert.equal(await cli(['test', 'ci-reg', '--image', 'a/b:1'], noHost, client), 0);
    assert.equal(client.calls[3]?.credentials, undefined);
    assert.match(noHost.err(), /set REPLICATED_REGISTRIES_CI_REG_HOST to the registry host these credentials are for/);
    assert.doesNotMatch(elsewhere.err() + noHost.err(), /env-pass/);
  });

  void it('uses credentials with plainHttp / insecureSkipTLSVerify only for hosts allowed with --allow-insecure or REPLICATED_REGISTRIES_ALLOW_INSECURE', async () => {
    const ws = workspace();
    writeFileSync(ws.file, 'registries:\n  - slug: dev\n    provider: other\n    endpoint: dev.example:5000\n    plainHttp: true\n');
    const client = fakeClient(() => 'ok');
    const env = { ...ws.env, REPLICATED_REGISTRIES_DEV_HOST: 'dev.example:5000', REPLICATED_REGISTRIES_DEV_USERNAME: 'ci', REPLICATED_REGISTRIES_DEV_PASSWORD: 'dev-pass-1' };
    const refused = fakeIO(ws.cwd, env);
    assert.equal(await cli(['test', 'dev', '--image', 'a/b:1'], refused, client), 0);
    assert.equal(client.calls[0]?.credentials, undefined, 'the check ran anonymously');
    assert.match(refused.err(), /note: the registries file sets `plainHttp: true` for "dev", which would send your credentials for dev\.example:5000 unencrypted, over plain HTTP; they were not used\. If dev\.example:5000 is yours and you accept that, allow it on this machine: pass --allow-insecure dev\.example:5000/);
    assert.equal(await cli(['test', 'dev', '--image', 'a/b:1', '--allow-insecure', 'dev.example:5000'], fakeIO(ws.cwd, env), client), 0);
    assert.equal(client.calls[1]?.credentials?.secret, 'dev-pass-1');
    assert.equal(await cli(['test', 'dev', '--image', 'a/b:1'], fakeIO(ws.cwd, { ...env, REPLICATED_REGISTRIES_ALLOW_INSECURE: 'dev.example:5000' }), client), 0);
    assert.equal(client.calls[2]?.credentials?.secret, 'dev-pass-1');
  });

  void it('exits 2 for usage problems: no --image, unknown registry, an image on another host', async () => {
    const ws = await seeded();
    const cases: Array<[string[], RegExp]> = [
      [['test', 'acme'], /registry test needs --image IMAGE/],
      [['test', 'nope', '--image', 'a/b:1'], /no registry named "nope"/],
      [['test', 'acme', '--image', 'ghcr.io/a/b:1'], /is on ghcr.io, but this registry is registry.example.com:5000/],
    ];
    for (const [argv, pattern] of cases) {
      const io = fakeIO(ws.cwd, ws.env);
      assert.equal(await cli(argv, io), 2, argv.join(' '));
      assert.match(io.err(), pattern);
    }
  });
});

void describe('dispatch through main', () => {
  void it('routes `registry` and maps usage errors to exit 2', async () => {
    const ws = workspace();
    const io = fakeIO(ws.cwd, ws.env);
    assert.equal(await main(['registry', 'ls', '--bogus'], io), 2);
    assert.match(io.err(), /^replicated-registries: unknown flag --bogus for registry ls/);
    const help = fakeIO(ws.cwd, ws.env);
    assert.equal(await main(['registry', '--help'], help), 0);
    assert.match(help.out(), /registry test NAME --image IMAGE/);
  });
});

void describe('choosing the vendor portal backend (flags refused before any network call)', () => {
  // Port 9 (discard) is never served here: a refusal test that reached the network would fail with "Could not reach".
  const portalEnv = (ws: { env: NodeJS.ProcessEnv }): NodeJS.ProcessEnv => ({ ...ws.env, REPLICATED_API_TOKEN: 'rr-unit-api-token', REPLICATED_API_ORIGIN: 'http://127.0.0.1:9' });

  void it('refuses the ambiguous --token outside the providers whose registry token it is', async () => {
    for (const argv of [['ls', '--token', 'x'], ['rm', 'acme', '--token=x'], ['test', 'acme', '--image', 'a/b:1', '--token-stdin'], ['logs', 'acme', '--token', 'x'], ['add', 'quay', '--username', 'u', '--token', 'x']]) {
      const ws = workspace();
      const io = fakeIO(ws.cwd, ws.env);
      assert.equal(await cli(argv, io), 2, argv.join(' '));
      assert.match(io.err(), /--token(-stdin)? is not a flag of registry \w+( quay)?: --token is the registry's own token in `registry add`; for the Replicated vendor API token set REPLICATED_API_TOKEN or use --api-token-stdin/);
    }
  });

  void it('refuses --workspace or --config together with an API token flag', async () => {
    const ws = workspace();
    const io = fakeIO(ws.cwd, ws.env);
    assert.equal(await cli(['ls', '--workspace', '--api-token', 'rr-unit-api-token'], io), 2);
    assert.match(io.err(), /--workspace uses the workspace file, which needs no vendor API token; drop --api-token/);
    assert.doesNotMatch(io.err(), /rr-unit-api-token/);
  });

  void it('refuses two secrets on one non-terminal stdin', async () => {
    const ws = workspace();
    const io = fakeIO(ws.cwd, ws.env, { text: 'both' });
    assert.equal(await cli([...ADD_OTHER, '--password-stdin', '--api-token-stdin'], io), 2);
    assert.match(io.err(), /--api-token-stdin and --password-stdin both read stdin; set REPLICATED_API_TOKEN for the API token/);
  });

  void it('refuses workspace-only connection flags in portal mode, and writes nothing', async () => {
    const ws = workspace();
    const io = fakeIO(ws.cwd, portalEnv(ws), { text: 'pw' });
    assert.equal(await cli([...ADD_OTHER, '--password-stdin', '--plain-http'], io), 2);
    assert.match(io.err(), /--plain-http is for the workspace backend: Replicated's servers do the pulls/);
    assert.deepEqual(allFilesUnder(ws.cwd), []);
  });

  void it('an unreachable portal is one line, exit 2, and the token never shows', async () => {
    // A port the OS just handed out and that nothing listens on any more.
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const ws = workspace();
    const io = fakeIO(ws.cwd, { ...portalEnv(ws), REPLICATED_API_ORIGIN: `http://127.0.0.1:${port}` });
    assert.equal(await runRegistryCommand(['ls'], io), 2);
    assert.match(io.err(), new RegExp(`^replicated-registries: Could not reach the Replicated Vendor API at http://127\\.0\\.0\\.1:${port} .*REPLICATED_API_ORIGIN\\.\n$`));
    assert.doesNotMatch(io.err() + io.out(), /rr-unit-api-token/);
  });

  void it('rejects a REPLICATED_API_ORIGIN that is not an http(s) URL', async () => {
    const ws = workspace();
    const io = fakeIO(ws.cwd, { ...portalEnv(ws), REPLICATED_API_ORIGIN: 'ftp://example.com' });
    assert.equal(await cli(['ls'], io), 2);
    assert.match(io.err(), /REPLICATED_API_ORIGIN must be an https:\/\/ URL \(got ftp:\); unset it to use https:\/\/api\.replicated\.com\/vendor/);
  });
});
