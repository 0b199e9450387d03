/**
 * `lint` and `yaml-syntax`: malformed files fail the run with located findings in text, JSON and SARIF;
 * Helm templates are not flagged; a target that cannot be read is named on stderr and exits 2.
 */
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { main } from '../../server/src/cli/main';
import type { CliIO } from '../../server/src/cli/io';
import type { LintResult } from '../../server/src/cli/commands/lint';

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

async function lint(cwd: string, ...argv: string[]): Promise<Ran> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const chunks = { stdout: '', stderr: '' };
  stdout.on('data', (chunk: Buffer) => (chunks.stdout += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (chunks.stderr += chunk.toString()));
  const io: CliIO = { stdout, stderr, stdin: new PassThrough(), env: { DOCKER_CONFIG: path.join(cwd, '.no-docker'), PATH: process.env.PATH }, cwd };
  const code = await main(['lint', ...argv], io);
  return { code, ...chunks };
}

let workspace: string;

async function write(relative: string, text: string | Buffer): Promise<void> {
  const full = path.join(workspace, relative);
  await mkdir(path.dirname(full), { recursive: true });
  await writeFile(full, text);
}

void before(async () => {
  workspace = await mkdtemp(path.join(os.tmpdir(), 'rr-lint-syntax-'));
  await write('.replicated-registries.yaml', 'app: acme\nregistries: []\npublic: [docker.io/library]\n');
  await write('manifests/flow.yaml', 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: a\n      image: [[[\n');
  await write('manifests/indent.yaml', 'metadata:\n  name: web\n namespace: acme\n');
  await write('manifests/ok.yaml', 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: nginx:1.27\n');
  await write('manifests/binary.yaml', Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xde, 0xad, 0xbe, 0xef, 0x0a, 0x00]));
  await write('chart/Chart.yaml', 'apiVersion: v2\nname: chart\nversion: 1.0.0\n');
  await write('chart/values.yaml', 'image:\n  repository: nginx\n  tag: "1.27"\n');
  await write('chart/templates/deployment.yaml', '{{- if .Values.enabled }}\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"\n          {{- with .Values.env }}\n          env: {{ toYaml . | nindent 12 }}\n          {{- end }}\n{{- end }}\n');
});

void after(async () => {
  await rm(workspace, { recursive: true, force: true });
});

void describe('lint: yaml-syntax', () => {
  void it('--format json: malformed files reported at the offending spot, templates and valid files clean, exit 1', async () => {
    const ran = await lint(workspace, '--offline', '--format', 'json');
    assert.equal(ran.code, 1, ran.stderr);
    assert.equal(ran.stderr, '');
    const results = (JSON.parse(ran.stdout) as LintResult[]).filter((result) => result.code === 'yaml-syntax');
    assert.deepEqual(
      results.map((result) => [result.file, result.line, result.column, result.endLine, result.endColumn, result.severity]),
      [
        ['manifests/binary.yaml', 1, 1, 1, 2, 'error'],
        ['manifests/flow.yaml', 6, 14, 6, 17, 'error'],
        ['manifests/indent.yaml', 3, 1, 3, 2, 'error'],
      ],
    );
    assert.match(results[1]?.message ?? '', /Flow sequence .* Add the missing `]`/);
  });

  void it('--format sarif: the rule is described and its results located', async () => {
    const ran = await lint(workspace, '--offline', '--format', 'sarif', 'manifests/flow.yaml');
    assert.equal(ran.code, 1);
    const sarif = JSON.parse(ran.stdout) as { runs: Array<{ tool: { driver: { rules: Array<{ id: string; shortDescription: { text: string }; defaultConfiguration: { level: string } }> } }; results: Array<{ ruleId: string; level: string; locations: Array<{ physicalLocation: { region: { startLine: number; startColumn: number } } }> }> }> };
    const run = sarif.runs[0];
    assert.ok(run);
    const rule = run.tool.driver.rules.find((candidate) => candidate.id === 'yaml-syntax');
    assert.equal(rule?.shortDescription.text, 'YAML syntax error');
    assert.equal(rule?.defaultConfiguration.level, 'error');
    assert.deepEqual(run.results.map((result) => [result.ruleId, result.level, result.locations[0]?.physicalLocation.region.startLine, result.locations[0]?.physicalLocation.region.startColumn]), [['yaml-syntax', 'error', 6, 14]]);
  });

  void it('text: file:line:col and the rule code; the Helm chart alone has no problems', async () => {
    const broken = await lint(workspace, '--offline', 'manifests/indent.yaml');
    assert.match(broken.stdout, /^manifests\/indent\.yaml:3:1 error yaml-syntax YAML syntax error: All mapping items must start at the same column\. Indent this line/m);
    const chart = await lint(workspace, '--offline', '--format', 'json', 'chart');
    assert.equal(chart.code, 0, chart.stdout);
    assert.deepEqual((JSON.parse(chart.stdout) as LintResult[]).filter((result) => result.code === 'yaml-syntax'), []);
  });

  void it('a target that cannot be read: one stderr line naming it and why, the rest still checked, exit 2', async () => {
    const loop = path.join(workspace, 'loop.yaml');
    await symlink(loop, loop);
    try {
      const ran = await lint(workspace, '--offline', '--format', 'json', 'loop.yaml', 'manifests/ok.yaml', 'manifests/flow.yaml');
      assert.equal(ran.code, 2);
      const lines = ran.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, ran.stderr);
      assert.match(lines[0] ?? '', /^replicated-registries lint: cannot read loop\.yaml: too many symbolic links \(ELOOP\); fix it .* or leave it out/);
      assert.deepEqual((JSON.parse(ran.stdout) as LintResult[]).map((result) => result.file), ['manifests/flow.yaml']);
    } finally {
      await rm(loop, { force: true });
    }
  });

  void it('--help documents the unreadable-file behaviour and exit code', async () => {
    const ran = await lint(workspace, '--help');
    assert.match(ran.stdout, /cannot be read .* named on stderr/s);
    assert.match(ran.stdout, /2 usage or configuration error, or a\s+file or folder could not be read/);
  });
});
