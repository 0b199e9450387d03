import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, mkdir, open, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { main } from '../../server/src/cli/main';
import type { CliIO } from '../../server/src/cli/io';
import { asciiRootCompare, collatesAsRoot, sortResults, writePrettyJson, writeResultsJson, type LintResult } from '../../server/src/cli/commands/lint';
import { RULE_CODES } from '../../server/src/findings/types';

const ROOT = path.resolve(import.meta.dirname, '../..');

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

async function lint(cwd: string, ...argv: string[]): Promise<Ran> {
  return runWith({}, cwd, 'lint', ...argv);
}

async function lintWith(env: NodeJS.ProcessEnv, cwd: string, ...argv: string[]): Promise<Ran> {
  return runWith(env, cwd, 'lint', ...argv);
}

async function run(cwd: string, command: string, ...argv: string[]): Promise<Ran> {
  return runWith({}, cwd, command, ...argv);
}

async function runWith(env: NodeJS.ProcessEnv, cwd: string, command: string, ...argv: string[]): Promise<Ran> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const chunks = { stdout: '', stderr: '' };
  stdout.on('data', (chunk: Buffer) => (chunks.stdout += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (chunks.stderr += chunk.toString()));
  // An empty Docker config: the tests never see the developer's own credentials.
  const io: CliIO = { stdout, stderr, stdin: new PassThrough(), env: { DOCKER_CONFIG: path.join(cwd, '.no-docker'), PATH: process.env.PATH, ...env }, cwd };
  const code = await main([command, ...argv], io);
  return { code, ...chunks };
}

let workspace: string;

async function write(relative: string, text: string): Promise<void> {
  const full = path.join(workspace, relative);
  await mkdir(path.dirname(full), { recursive: true });
  await writeFile(full, text);
}

const REGISTRIES = 'app: acme\nregistries:\n  - slug: acme-ghcr\n    provider: ghcr\n    endpoint: ghcr.io\n    authType: token\n    username: bot\npublic: [docker.io/library]\n';

void before(async () => {
  workspace = await mkdtemp(path.join(os.tmpdir(), 'rr-lint-'));
  await write('.replicated-registries.yaml', REGISTRIES);
  await write('app/deploy.yaml', 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: a\n      image: nginx:latest\n    - name: b\n      image: ghcr.io/acme/web:1.0\n');
  await write('app/broken.yml', 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: "ghcr.io/acme/Web:1"\n');
  await write('.gitignore', 'ignored/\n*.generated.yaml\n');
  await write('ignored/deploy.yaml', 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: Bad:1\n');
  await write('app/x.generated.yaml', 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: Bad:2\n');
  await write('node_modules/pkg/deploy.yaml', 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: Bad:3\n');
  await write('notes.txt', 'image: Bad:4\n');
});

void after(async () => {
  await rm(workspace, { recursive: true, force: true });
});

void describe('lint CLI', () => {
  void it('--format json: one array of findings, file relative, 1-based positions; .gitignore and node_modules honoured', async () => {
    const ran = await lint(workspace, '--offline', '--format', 'json');
    assert.equal(ran.code, 1, ran.stderr);
    const results = JSON.parse(ran.stdout) as LintResult[];
    assert.deepEqual(
      results.map((result) => [result.file, result.line, result.column, result.endLine, result.endColumn, result.code, result.severity, result.reference]),
      [
        ['app/broken.yml', 5, 28, 5, 31, 'invalid-reference', 'error', 'ghcr.io/acme/Web:1'],
        ['app/deploy.yaml', 6, 20, 6, 26, 'tag-latest', 'warning', 'nginx:latest'],
      ],
    );
    assert.match(results[0]?.message ?? '', /must be lowercase/);
  });

  void it('exit codes follow --fail-on', async () => {
    assert.equal((await lint(workspace, '--offline', 'app/deploy.yaml')).code, 0, 'a warning does not fail by default');
    assert.equal((await lint(workspace, '--offline', '--fail-on', 'warning', 'app/deploy.yaml')).code, 1);
    assert.equal((await lint(workspace, '--offline', '--fail-on=never')).code, 0);
    assert.equal((await lint(workspace, '--offline', '--fail-on', 'error')).code, 1);
  });

  void it('text: file:line:col severity code message, then a summary', async () => {
    const ran = await lint(workspace, '--offline');
    const lines = ran.stdout.trimEnd().split('\n');
    assert.equal(lines[0], 'app/broken.yml:5:28 error invalid-reference invalid reference format: repository name (acme/Web) must be lowercase');
    assert.match(lines[1] ?? '', /^app\/deploy\.yaml:6:20 warning tag-latest /);
    assert.equal(lines[2], '2 problems (1 error, 1 warning); 3 YAML files checked');
  });

  void it('text groups credentials-missing per registry (count and places); JSON keeps one result per reference', async () => {
    const folder = await mkdtemp(path.join(os.tmpdir(), 'rr-lint-creds-'));
    try {
      await writeFile(path.join(folder, '.replicated-registries.yaml'), REGISTRIES);
      // Images on the connected registry only (and a public one): with no credentials nothing goes to the network.
      const pod = (images: string[]): string => `apiVersion: v1\nkind: Pod\nspec:\n  containers:\n${images.map((image) => `    - image: ${image}\n`).join('')}`;
      await writeFile(path.join(folder, 'a.yaml'), pod(['ghcr.io/acme/web:1.0', 'ghcr.io/acme/api:2.0', 'nginx:1.27']));
      await writeFile(path.join(folder, 'b.yaml'), pod(['ghcr.io/acme/worker:3.0']));
      const text = await lint(folder, '--fail-on', 'never');
      const lines = text.stdout.trimEnd().split('\n');
      assert.deepEqual(lines, [
        'warning credentials-missing registry "acme-ghcr" (ghcr.io): no credentials on this machine, so 3 image references are not checked (a.yaml:5:14, a.yaml:6:14, b.yaml:5:14); run `docker login ghcr.io`, or set REPLICATED_REGISTRIES_ACME_GHCR_USERNAME, REPLICATED_REGISTRIES_ACME_GHCR_PASSWORD and REPLICATED_REGISTRIES_ACME_GHCR_HOST=ghcr.io',
        '3 problems (3 warnings); 3 YAML files checked',
      ]);
      const json = JSON.parse((await lint(folder, '--format', 'json', '--fail-on', 'never')).stdout) as LintResult[];
      assert.deepEqual(json.map((result) => [result.file, result.line, result.code]), [['a.yaml', 5, 'credentials-missing'], ['a.yaml', 6, 'credentials-missing'], ['b.yaml', 5, 'credentials-missing']]);
      // Each per-reference message names the registry once, briefly (the diagnostic already sits on the image).
      assert.equal(json[0]?.message, 'no credentials for registry "acme-ghcr" on this machine, so this image is not checked (docker login ghcr.io, or REPLICATED_REGISTRIES_ACME_GHCR_USERNAME / REPLICATED_REGISTRIES_ACME_GHCR_PASSWORD with REPLICATED_REGISTRIES_ACME_GHCR_HOST=ghcr.io)');
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  void it('results are sorted by file (localeCompare order), line, column and code; rule codes sort alike by localeCompare and by code units', () => {
    assert.deepEqual([...RULE_CODES].sort((a, b) => a.localeCompare(b)), [...RULE_CODES].sort());
    const result = (file: string, line: number, code: LintResult['code']): LintResult => ({ file, line, column: 1, endLine: line, endColumn: 2, code, severity: 'warning', message: '', reference: '' });
    const results = [result('b.yaml', 1, 'tag-latest'), result('B.yaml', 2, 'tag-latest'), result('a.yaml', 3, 'tag-missing'), result('a.yaml', 3, 'tag-latest'), result('a_b/x.yaml', 1, 'tag-latest'), result('a-b/x.yaml', 1, 'tag-latest')];
    const expected = [...results].sort((x, y) => x.file.localeCompare(y.file) || x.line - y.line || x.column - y.column || x.code.localeCompare(y.code));
    sortResults(results);
    assert.deepEqual(results, expected);
  });

  void it('printable-ASCII file names sort without ICU exactly as Intl.Collator sorts them for English and the root locale', () => {
    const sign = (n: number): number => Math.sign(n);
    const printable = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i));
    for (const locale of ['en', 'und', 'en-US']) {
      const collator = new Intl.Collator(locale);
      // Every pair of characters, then random names over an alphabet rich in case pairs and punctuation.
      for (const a of printable) for (const b of printable) assert.equal(sign(asciiRootCompare(a, b)), sign(collator.compare(a, b)), `${locale}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
      let seed = 12345;
      const random = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
      const alphabet = 'aAbBzZ09_-./ ~$@`^';
      const name = (): string => Array.from({ length: random(7) }, () => alphabet[random(alphabet.length)]).join('');
      for (let i = 0; i < 20_000; i++) {
        const a = name();
        const b = random(4) === 0 ? a.toUpperCase() : name();
        assert.equal(sign(asciiRootCompare(a, b)), sign(collator.compare(a, b)), `${locale}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
      }
    }
    // The results' order is the collator's whichever way the names are ranked.
    const result = (file: string): LintResult => ({ file, line: 1, column: 1, endLine: 1, endColumn: 2, code: 'tag-latest', severity: 'warning', message: '', reference: '' });
    const names = ['team-10/a.yaml', 'team-1/a.yaml', 'Team-1/b.yaml', 'team_1/a.yaml', 'team.1/a.yaml', 'a b.yaml', 'ab.yaml', 'aB.yaml', 'Ab.yaml', 'é.yaml'];
    const expected = [...names].sort(new Intl.Collator().compare);
    for (const env of [{ LANG: 'C.UTF-8' }, { LANG: 'da_DK.UTF-8' }]) {
      for (const list of [names, names.slice(0, -1)]) {
        const results = [...list].reverse().map(result);
        sortResults(results, env);
        assert.deepEqual(results.map((r) => r.file), expected.filter((file) => list.includes(file)));
      }
    }
    assert.equal(collatesAsRoot({}), true);
    assert.equal(collatesAsRoot({ LANG: 'en_US.UTF-8', LC_ALL: '' }), true);
    assert.equal(collatesAsRoot({ LANG: 'C.UTF-8', LC_COLLATE: 'POSIX' }), true);
    assert.equal(collatesAsRoot({ LANG: 'C.UTF-8', LC_ALL: 'da_DK.UTF-8' }), false);
    assert.equal(collatesAsRoot({ LANG: 'tr_TR.UTF-8' }), false);
  });

  void it('text groups registry-not-connected per registry (count, first places, one message); a lone one keeps its line; JSON keeps one result per reference', async () => {
    const folder = await mkdtemp(path.join(os.tmpdir(), 'rr-lint-unconnected-'));
    try {
      // No registries file: every registry is unknown, and offline it cannot be told whether an image is public.
      const pod = (images: string[]): string => `apiVersion: v1\nkind: Pod\nspec:\n  containers:\n${images.map((image) => `    - image: ${image}\n`).join('')}`;
      const quay = Array.from({ length: 12 }, (_, i) => `quay.io/acme/app-${i}:1.0`);
      await writeFile(path.join(folder, 'a.yaml'), pod([...quay.slice(0, 6), 'ghcr.io/acme/web:1.0']));
      await writeFile(path.join(folder, 'b.yaml'), pod(quay.slice(6)));
      const text = await lint(folder, '--offline', '--fail-on', 'never');
      assert.equal(text.code, 0);
      const places = [5, 6, 7, 8, 9, 10].map((line) => `a.yaml:${line}:14`).concat([5, 6, 7, 8].map((line) => `b.yaml:${line}:14`));
      assert.deepEqual(text.stdout.trimEnd().split('\n'), [
        `info registry-not-connected registry quay.io: 12 image references (${places.join(', ')}, and 2 more (--format json lists each)); the first: quay.io is not one of the team's registries, and offline it cannot be told whether "quay.io/acme/app-0" is public; connect the registry, or list it under public: in .replicated-registries.yaml if customers can pull it anonymously`,
        `a.yaml:11:14 info registry-not-connected ghcr.io is not one of the team's registries, and offline it cannot be told whether "ghcr.io/acme/web" is public; connect the registry, or list it under public: in .replicated-registries.yaml if customers can pull it anonymously`,
        '13 problems (13 infos); 2 YAML files checked',
      ]);
      const json = JSON.parse((await lint(folder, '--offline', '--format', 'json', '--fail-on', 'never')).stdout) as LintResult[];
      assert.equal(json.length, 13);
      assert.ok(json.every((result) => result.code === 'registry-not-connected'));
      assert.deepEqual(json.map((result) => `${result.file}:${result.line}`).slice(0, 3), ['a.yaml:5', 'a.yaml:6', 'a.yaml:7']);
      // The exit code is the findings' level, grouped or not: infos never fail.
      assert.equal((await lint(folder, '--offline', '--fail-on', 'warning')).code, 0);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  void it('credentials bound to another host: the grouped line says why they were not used, nothing is checked', async () => {
    const folder = await mkdtemp(path.join(os.tmpdir(), 'rr-lint-bound-'));
    try {
      await writeFile(path.join(folder, '.replicated-registries.yaml'), REGISTRIES);
      await writeFile(path.join(folder, 'a.yaml'), 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: ghcr.io/acme/web:1.0\n    - image: ghcr.io/acme/api:2.0\n');
      const env = { REPLICATED_REGISTRIES_ACME_GHCR_HOST: 'registry.example.com', REPLICATED_REGISTRIES_ACME_GHCR_PASSWORD: 'bound-elsewhere-1' };
      const text = await lintWith(env, folder, '--fail-on', 'never');
      assert.deepEqual(text.stdout.trimEnd().split('\n'), [
        'warning credentials-missing registry "acme-ghcr" (ghcr.io): 2 image references are not checked (a.yaml:5:14, a.yaml:6:14): the credentials for "acme-ghcr" were given for registry.example.com (REPLICATED_REGISTRIES_ACME_GHCR_HOST), but the registries file now says ghcr.io; they were not sent. If the registry really moved, set REPLICATED_REGISTRIES_ACME_GHCR_HOST=ghcr.io',
        '2 problems (2 warnings); 2 YAML files checked',
      ]);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  void it('--format sarif: SARIF 2.1.0 with rule metadata and located results', async () => {
    const ran = await lint(workspace, '--offline', '--format', 'sarif');
    interface SarifRule { id: string; shortDescription: { text: string }; fullDescription: { text: string }; help: { text: string; markdown: string }; defaultConfiguration: { level: string } }
    interface SarifResult { ruleId: string; ruleIndex: number; level: string; message: { text: string }; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number; endLine: number; endColumn: number } } }> }
    const sarif = JSON.parse(ran.stdout) as { version: string; $schema: string; runs: Array<{ tool: { driver: { name: string; rules: SarifRule[] } }; results: SarifResult[] }> };
    assert.equal(sarif.version, '2.1.0');
    assert.match(sarif.$schema, /sarif-2\.1\.0/);
    const run = sarif.runs[0];
    assert.ok(run);
    const rules = run.tool.driver.rules;
    assert.ok(rules.length >= 12);
    for (const rule of rules) {
      assert.ok(rule.id && rule.shortDescription.text && rule.fullDescription.text && rule.help.text && rule.help.markdown, rule.id);
      assert.ok(['error', 'warning', 'note', 'none'].includes(rule.defaultConfiguration.level), rule.id);
    }
    assert.deepEqual(run.results.map((result) => [result.ruleId, result.level, rules[result.ruleIndex]?.id]), [
      ['invalid-reference', 'error', 'invalid-reference'],
      ['tag-latest', 'warning', 'tag-latest'],
    ]);
    const location = run.results[0]?.locations[0]?.physicalLocation;
    assert.deepEqual(location, { artifactLocation: { uri: 'app/broken.yml', uriBaseId: '%SRCROOT%' }, region: { startLine: 5, startColumn: 28, endLine: 5, endColumn: 31 } });
  });

  void it('--format codequality: GitLab Code Quality report with its required fields, fingerprints stable when lines move', async () => {
    interface Issue { description: string; check_name: string; fingerprint: string; severity: string; location: { path: string; lines: { begin: number; end: number } } }
    const ran = await lint(workspace, '--offline', '--format', 'codequality');
    assert.equal(ran.code, 1, ran.stderr);
    const report = JSON.parse(ran.stdout) as Issue[];
    assert.deepEqual(report.map((issue) => [issue.check_name, issue.severity, issue.location.path, issue.location.lines.begin]), [
      ['invalid-reference', 'major', 'app/broken.yml', 5],
      ['tag-latest', 'minor', 'app/deploy.yaml', 6],
    ]);
    for (const issue of report) {
      assert.match(issue.description, /\S/);
      assert.match(issue.fingerprint, /^[0-9a-f]{32}$/);
      assert.equal(Object.keys(issue).sort().join(), 'check_name,description,fingerprint,location,severity');
    }

    // The same finding two lines lower keeps its fingerprint; a second identical one in the file gets its own.
    const moved = await mkdtemp(path.join(os.tmpdir(), 'rr-lint-cq-'));
    try {
      const pod = (prefix: string): string => `${prefix}apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: a\n      image: nginx:latest\n`;
      await writeFile(path.join(moved, '.replicated-registries.yaml'), REGISTRIES);
      await mkdir(path.join(moved, 'app'));
      await writeFile(path.join(moved, 'app', 'deploy.yaml'), pod('# moved\n# down\n'));
      const again = JSON.parse((await lint(moved, '--offline', '--format', 'codequality')).stdout) as Issue[];
      assert.equal(again.length, 1);
      assert.equal(again[0]?.location.lines.begin, 8);
      assert.equal(again[0]?.fingerprint, report[1]?.fingerprint);
      await writeFile(path.join(moved, 'app', 'deploy.yaml'), `${pod('')}---\n${pod('')}`);
      const twice = JSON.parse((await lint(moved, '--offline', '--format', 'codequality')).stdout) as Issue[];
      assert.equal(twice.length, 2);
      assert.notEqual(twice[0]?.fingerprint, twice[1]?.fingerprint);
    } finally {
      await rm(moved, { recursive: true, force: true });
    }
  });

  void it('exit 2 on usage errors and on a broken registries file, with file:line:col', async () => {
    const unknown = await lint(workspace, '--bogus');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown flag --bogus/);
    assert.equal((await lint(workspace, '--format', 'xml')).code, 2);
    assert.equal((await lint(workspace, 'does-not-exist')).code, 2);

    await write('bad-config/.replicated-registries.yaml', 'app: acme\nregistries:\n  - slug: x\n    provider: nope\n');
    await write('bad-config/pod.yaml', 'kind: Pod\n');
    const broken = await lint(workspace, '--offline', 'bad-config');
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /bad-config\/\.replicated-registries\.yaml:\d+:\d+: /);
    const explicit = await lint(workspace, '--offline', '--config', 'bad-config/.replicated-registries.yaml', 'app');
    assert.equal(explicit.code, 2);
  });

  void it('lints the sample application: the planted problems and nothing else', async () => {
    const ran = await lint(path.join(ROOT, 'examples'), '--offline', '--format', 'json');
    const results = JSON.parse(ran.stdout) as LintResult[];
    assert.deepEqual(
      results.map((result) => [result.file, result.code, result.severity, result.reference]),
      [
        // The packaged chart's HelmChart: a private image customers would pull straight from ghcr.io, online and in air gap.
        ['kots/acme-worker.yaml', 'airgap-missing', 'error', 'ghcr.io/acme/migrations:2.4.1'],
        ['kots/acme-worker.yaml', 'not-proxied', 'error', 'ghcr.io/acme/migrations:2.4.1'],
        ['manifests/cronjob.yaml', 'proxy-app-mismatch', 'warning', 'proxy.replicated.com/proxy/acme-platfrom/ghcr.io/acme/uploader'],
        ['manifests/deployment.yaml', 'registry-not-connected', 'info', 'registry.internal.acme.example/search/indexer:7.2.0'],
        ['manifests/deployment.yaml', 'tag-latest', 'warning', 'nginx:latest'],
      ],
    );
    assert.equal(ran.code, 1);
  });

  void it('images -o json on examples/ lists each image per install mode, as the customer pulls it', async () => {
    const ran = await run(path.join(ROOT, 'examples'), 'images', '-o', 'json');
    assert.equal(ran.code, 1, ran.stderr);
    interface Row { mode: string; reference: string | null; pulled: string | null; via: string; path: string; inBundle?: boolean; source: { file: string; line: number; entry?: string }; findings: Array<{ code: string }> }
    const rows = JSON.parse(ran.stdout) as Row[];
    const summary = rows.map((row) => [row.mode, row.path, row.pulled, row.via, row.source.entry ?? `${row.source.file}:${row.source.line}`, row.findings.map((finding) => finding.code).join(',')]);
    const expect = (...row: Array<string | null>): void => assert.ok(summary.some((got) => JSON.stringify(got) === JSON.stringify(row)), `${JSON.stringify(row)} in\n${summary.map((got) => JSON.stringify(got)).join('\n')}`);
    // The packaged chart (read in place): a ternary value, an optional value, the planted direct pull.
    expect('online', 'helmchart-v1beta2', 'proxy.replicated.com/proxy/acme-platform/ghcr.io/acme/worker:2.4.1', 'proxy', 'kots/acme-worker-1.0.0.tgz (acme-worker/templates/deployment.yaml)', '');
    expect('airgap', 'helmchart-v1beta2', 'local-registry.invalid/acme-platform/worker:2.4.1', 'local-registry', 'kots/acme-worker-1.0.0.tgz (acme-worker/templates/deployment.yaml)', '');
    expect('online', 'helmchart-v1beta2', 'proxy.replicated.com/proxy/acme-platform/ghcr.io/acme/statsd-exporter:0.26.1', 'proxy', 'kots/acme-worker-1.0.0.tgz (acme-worker/templates/deployment.yaml)', '');
    expect('airgap', 'helmchart-v1beta2', 'local-registry.invalid/acme-platform/statsd-exporter:0.26.1', 'local-registry', 'kots/acme-worker-1.0.0.tgz (acme-worker/templates/deployment.yaml)', '');
    expect('online', 'helmchart-v1beta2', 'ghcr.io/acme/migrations:2.4.1', 'direct', 'kots/acme-worker-1.0.0.tgz (acme-worker/templates/deployment.yaml)', 'not-proxied');
    expect('airgap', 'helmchart-v1beta2', 'ghcr.io/acme/migrations:2.4.1', 'direct', 'kots/acme-worker-1.0.0.tgz (acme-worker/templates/deployment.yaml)', 'airgap-missing');
    // The chart folder: the tag from .Chart.AppVersion.
    expect('online', 'helmchart-v1beta2', 'proxy.replicated.com/proxy/acme-platform/ghcr.io/acme/api:2.4.1', 'proxy', 'charts/acme-api/templates/deployment.yaml:23', '');
    expect('airgap', 'helmchart-v1beta2', 'local-registry.invalid/acme-platform/api:2.4.1', 'local-registry', 'charts/acme-api/templates/deployment.yaml:23', '');
    // Manifests and additionalImages: KOTS rewrites them.
    expect('online', 'additional-image', 'proxy.replicated.com/proxy/acme-platform/ghcr.io/acme/migrations:2.4.1', 'proxy', 'kots/kots-app.yaml:12', '');
    expect('airgap', 'manifest', 'local-registry.invalid/acme-platform/postgres:16.4', 'local-registry', 'manifests/statefulset.yaml:17', '');
    expect('online', 'manifest', 'docker.io/library/postgres:16.4', 'direct', 'manifests/statefulset.yaml:17', '');
    assert.deepEqual([...new Set(rows.map((row) => row.mode))], ['online', 'airgap']);
    assert.equal(rows.filter((row) => row.mode === 'online').length, rows.filter((row) => row.mode === 'airgap').length, 'every image in both modes');
    const only = JSON.parse((await run(path.join(ROOT, 'examples'), 'images', '--mode', 'helm', '-o', 'json')).stdout) as Row[];
    assert.deepEqual(only, [], 'no chart here is installed with the Helm CLI');
  });

  void it('runs as a process: exit status and stdout', async () => {
    const child = spawn(process.execPath, ['--import', pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href, path.join(ROOT, 'server/src/cli.ts'), 'lint', '--offline', '--format', 'json', 'app/broken.yml'], { cwd: workspace, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 1);
    assert.equal((JSON.parse(stdout) as LintResult[])[0]?.code, 'invalid-reference');
  });

  void it('as a process, ends itself once its output is written: megabytes of JSON to a file or a pipe arrive whole, with the exit status', async () => {
    // lint exits as soon as stdout and stderr are written (cli.ts): a file is written synchronously (the
    // early exit), a pipe read while it writes may still hold a queue (the ordinary end); both get every byte.
    const count = 12_000;
    await mkdir(path.join(workspace, 'many'), { recursive: true });
    await writeFile(path.join(workspace, 'many/app.yaml'), `apiVersion: kots.io/v1beta1\nkind: Application\nspec:\n  additionalImages:\n${'    - quay.io/acme/w:latest\n'.repeat(count)}`);
    const args = ['--import', pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href, path.join(ROOT, 'server/src/cli.ts'), 'lint', '--offline', '--format', 'json', '--fail-on', 'warning', 'many/app.yaml'];
    const check = (stdout: string, code: number | null): void => {
      assert.ok(stdout.length > 4_000_000, `${stdout.length} bytes`);
      assert.equal((JSON.parse(stdout) as LintResult[]).filter((result) => result.code === 'tag-latest').length, count);
      assert.equal(code, 1);
    };
    const outputFile = path.join(workspace, 'many/out.json');
    const handle = await open(outputFile, 'w');
    try {
      const toFile = spawn(process.execPath, args, { cwd: workspace, stdio: ['ignore', handle.fd, 'pipe'] });
      check(...(await new Promise<[string, number | null]>((resolve) => toFile.on('close', (code) => resolve([readFileSync(outputFile, 'utf8'), code])))));
    } finally {
      await handle.close();
    }
    const toPipe = spawn(process.execPath, args, { cwd: workspace, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    toPipe.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    const code = await new Promise<number | null>((resolve) => toPipe.on('close', resolve));
    check(Buffer.concat(chunks).toString(), code);
  });
});

void describe('lint CLI: --config', () => {
  void it('a missing --config file is a usage error naming the path as given', async () => {
    const ran = await lint(workspace, '--offline', '--config', 'nope/registries.yaml', 'app/deploy.yaml');
    assert.equal(ran.code, 2);
    assert.equal(ran.stdout, '');
    assert.match(ran.stderr, /^replicated-registries: --config nope\/registries\.yaml: no such file; check the path/);
    const dir = await lint(workspace, '--offline', '--config', 'app', 'app/deploy.yaml');
    assert.equal(dir.code, 2);
    assert.match(dir.stderr, /--config app: not a file/);
  });
});

void describe('lint CLI: very large files', () => {
  void it('reports 200,000 findings from one file without overflowing the stack', async () => {
    // One short line per finding (tag-missing warnings in a kots Application), more than V8 takes as spread arguments.
    const count = 200_000;
    await write('big/app.yaml', `apiVersion: kots.io/v1beta1\nkind: Application\nspec:\n  additionalImages:\n${'    - ghcr.io/acme/w\n'.repeat(count)}`);
    const ran = await lint(workspace, '--offline', '--format', 'json', '--fail-on', 'never', 'big/app.yaml');
    assert.equal(ran.code, 0, ran.stderr);
    const results = JSON.parse(ran.stdout) as LintResult[];
    assert.equal(results.length, count);
    assert.equal(results[count - 1]?.line, count + 4);
  });
});

void describe('writePrettyJson', () => {
  void it('writes exactly what JSON.stringify(value, null, 2) writes, plus a newline', () => {
    // Small array elements go through the native serializer in one piece, large ones (a SARIF run) key by key.
    const large = { run: Array.from({ length: 300 }, (_, index) => ({ index, text: 'a\nb', skip: undefined })) };
    const value = { a: [1, 'two', null, undefined, { b: [], c: {}, d: undefined, e: 'x\ny' }, large, [large]], f: true, g: [[[]]], h: new Date(0), i: '' };
    let written = '';
    const out = new PassThrough();
    out.on('data', (chunk: Buffer) => (written += chunk.toString()));
    writePrettyJson(out, value);
    assert.equal(written, `${JSON.stringify(value, null, 2)}\n`);
  });

  void it('writes in pieces of about 1 MiB, never one string of the whole document (which V8 caps near 512 MB)', () => {
    const many = Array.from({ length: 40_000 }, (_, index) => ({ file: 'manifests/very-large-file.yaml', line: index + 1, column: 14, code: 'tag-latest', severity: 'warning' }));
    const chunks: string[] = [];
    const out = { write: (chunk: string): boolean => (chunks.push(chunk), true) } as unknown as NodeJS.WritableStream;
    writePrettyJson(out, many);
    assert.ok(chunks.length > 3, `${chunks.length} writes`);
    assert.ok(Math.max(...chunks.map((chunk) => chunk.length)) < (1 << 20) + 1024);
    assert.equal(chunks.join(''), `${JSON.stringify(many, null, 2)}\n`);
  });

  void it('writeResultsJson: one native call for up to 20,000 results, written in pieces of at most 1 MiB that never cut a surrogate pair', () => {
    const highSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
    // A long run of emoji (two code units each) across the first 1 MiB boundary; with a prefix of 0 or 1
    // character, one of the two texts has a pair exactly on the boundary.
    let splitPairs = 0;
    for (const prefix of ['', 'x']) {
      const many = [{ file: `${prefix}a.yaml`, line: 1, message: '😀'.repeat(700_000) }, ...Array.from({ length: 2_000 }, (_, index) => ({ file: 'b.yaml', line: index, message: 'm' }))];
      const text = `${JSON.stringify(many, null, 2)}\n`;
      if (highSurrogate(text.charCodeAt((1 << 20) - 1))) splitPairs++;
      const chunks: string[] = [];
      writeResultsJson({ write: (chunk: string): boolean => (chunks.push(chunk), true) }, many, many.length);
      assert.ok(chunks.length > 1, `${chunks.length} writes`);
      assert.ok(Math.max(...chunks.map((chunk) => chunk.length)) <= 1 << 20);
      for (const chunk of chunks) assert.ok(!highSurrogate(chunk.charCodeAt(chunk.length - 1)), 'no piece ends inside a surrogate pair');
      assert.equal(chunks.join(''), text);
    }
    assert.equal(splitPairs, 1, 'one of the texts puts a pair on the boundary');
    const few: string[] = [];
    const three = [{ a: 1 }, { b: [2] }, { c: 'd' }];
    writeResultsJson({ write: (chunk: string): boolean => (few.push(chunk), true) }, three, 3);
    assert.deepEqual(few, [`${JSON.stringify(three, null, 2)}\n`]);
  });
});
