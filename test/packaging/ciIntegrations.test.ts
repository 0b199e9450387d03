/**
 * The CI integrations run here, without GitHub or GitLab: the GitHub Action's steps (action.yml, run as the
 * runner runs composite steps: test/harness/compositeAction.ts) and the README's GitLab job script, each
 * installing the packed npm package and checking a small app against a real registry with host-bound
 * credentials from the environment, as a job gets them from its secrets.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { pushImage, startHtpasswdRegistry, type RunningRegistry } from '../harness';
import { runCompositeAction, type ActionRun, type RunActionOptions } from '../harness/compositeAction';
import { CHECKED_APP_USER, packageManifest, packCli, repoRoot, writeCheckedApp } from '../harness/npmPackage';
import { makeTempDir, removeTempDir } from '../harness/processes';
import { readmeExample } from '../harness/readmeExamples';

const PASSWORD = 'Ci-Secret-' + Math.random().toString(36).slice(2);
const VERSION = packageManifest().version;

interface SarifLog { runs: Array<{ results: Array<{ ruleId: string; level: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }> }> }> }

let registry: RunningRegistry;
let work: string;
let tarball: string;
let caseNumber = 0;

void before(async () => {
  work = makeTempDir('ci-integrations');
  registry = await startHtpasswdRegistry({ tls: true, users: { [CHECKED_APP_USER]: PASSWORD } });
  await pushImage(registry, { repository: 'team/app', tag: 'v1', format: 'oci', username: CHECKED_APP_USER, password: PASSWORD });
  tarball = await packCli(work);
});

void after(async () => {
  await registry?.stop();
  if (work) removeTempDir(work);
});

/** A fresh checkout of the app and a job environment: no network beyond this machine, the job's secrets. */
function freshJob(): { workspace: string; home: string; jobEnv: NodeJS.ProcessEnv; credentialsEnv: Record<string, string> } {
  const root = path.join(work, `case-${++caseNumber}`);
  const workspace = path.join(root, 'workspace');
  const home = path.join(root, 'home');
  mkdirSync(home, { recursive: true });
  const { credentialsEnv } = writeCheckedApp(workspace, registry.host, registry.caFile ?? '', PASSWORD);
  const jobEnv: NodeJS.ProcessEnv = {
    PATH: [path.dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(path.delimiter),
    HOME: home,
    DOCKER_CONFIG: path.join(root, 'docker'),
    // The package is a local tarball: npm must not need the network for it (nor for anything else).
    npm_config_offline: 'true',
    npm_config_cache: path.join(root, 'npm-cache'),
  };
  return { workspace, home, jobEnv, credentialsEnv };
}

async function runAction(withInputs: RunActionOptions['with'], job = freshJob(), extraEnv: Record<string, string> = job.credentialsEnv): Promise<ActionRun & { workspace: string }> {
  const run = await runCompositeAction({
    actionPath: repoRoot,
    workspace: job.workspace,
    runnerTemp: path.join(job.workspace, '..', 'runner-temp'),
    with: { package: tarball, ...withInputs },
    env: { ...job.jobEnv, ...extraEnv },
  });
  return { ...run, workspace: job.workspace };
}

function outcomes(run: ActionRun): string[] {
  return run.steps.map((step) => `${step.name}: ${step.outcome}`);
}

void describe('GitHub Action: action.yml steps run as the runner runs them', () => {
  void it('installs the CLI, pull-checks with the host-bound secrets, writes SARIF, marks findings, uploads, fails on the error', async () => {
    const run = await runAction({});
    assert.deepEqual(outcomes(run), [
      'Set up Node.js: not run here',
      'Install the replicated-registries CLI: success',
      'Check image references: success',
      'Show the findings: success',
      'Upload to code scanning: not run here',
      'Fail on findings at the fail-on level: failure',
    ]);
    assert.equal(run.steps[0]?.uses, 'actions/setup-node@v6');
    assert.deepEqual(run.steps[0]?.with, { 'node-version': '24' });
    assert.match(run.steps[1]?.stdout ?? '', new RegExp(`^${VERSION.replace(/\./g, '\\.')}$`, 'm'), 'the installed command runs: --version');

    assert.deepEqual({ exitCode: run.outputs['exit-code'], findings: run.outputs.findings }, { exitCode: '1', findings: '2' });
    const sarifFile = run.outputs['sarif-file'] ?? '';
    assert.equal(path.basename(sarifFile), 'replicated-registries.sarif');
    const sarif = JSON.parse(readFileSync(sarifFile, 'utf8')) as SarifLog;
    assert.deepEqual(sarif.runs[0]?.results.map((r) => [r.ruleId, r.level, r.locations[0]?.physicalLocation.artifactLocation.uri, r.locations[0]?.physicalLocation.region.startLine]), [
      ['tag-not-found', 'error', 'manifests/deploy.yaml', 12],
      ['tag-latest', 'warning', 'manifests/deploy.yaml', 14],
    ]);
    // What upload-sarif is handed: the file lint wrote, under the action's category.
    assert.deepEqual(run.steps[4]?.with, { sarif_file: sarifFile, category: 'replicated-registries' });
    assert.equal(run.steps[4]?.uses, 'github/codeql-action/upload-sarif@v4');

    assert.match(run.log, /^::error file=manifests\/deploy\.yaml,line=12,col=\d+,endLine=12,endColumn=\d+,title=replicated-registries tag-not-found::.*v9/m);
    assert.match(run.log, /^::warning file=manifests\/deploy\.yaml,line=14,.*title=replicated-registries tag-latest::/m);
    assert.match(run.steps[5]?.stdout ?? '', /findings reach the fail-on level \(error\)/);
    for (const step of run.steps) assert.ok(!`${step.stdout}${step.stderr}`.includes(PASSWORD), `${step.name} printed the password`);
  });

  void it('offline, on the paths given, fail-on error: the warning alone passes; no setup-node, no upload when turned off', async () => {
    const run = await runAction({ offline: 'true', paths: 'manifests\n.replicated-registries.yaml', 'upload-sarif': 'false', 'node-version': '' }, freshJob(), {});
    assert.deepEqual(outcomes(run), [
      'Set up Node.js: skipped',
      'Install the replicated-registries CLI: success',
      'Check image references: success',
      'Show the findings: success',
      'Upload to code scanning: skipped',
      'Fail on findings at the fail-on level: success',
    ]);
    assert.deepEqual({ exitCode: run.outputs['exit-code'], findings: run.outputs.findings, failed: run.failed }, { exitCode: '0', findings: '1', failed: false });
    assert.match(run.log, /^::warning file=manifests\/deploy\.yaml,line=14,/m);
    assert.doesNotMatch(run.log, /tag-not-found/, 'offline: no pull check');
  });

  void it('fail-on warning fails on the warning too; a hostile file name cannot start a workflow command of its own', async () => {
    const job = freshJob();
    // A pull request controls file names too: one that tries to end the annotation and start a command.
    const hostileName = 'hostile,x::%0A\n::add-mask::y.yaml';
    writeFileSync(path.join(job.workspace, 'manifests', hostileName), 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: nginx:latest\n');
    const run = await runAction({ offline: 'true', 'fail-on': 'warning', 'upload-sarif': 'false' }, job, {});
    assert.equal(run.outputs['exit-code'], '1');
    assert.equal(run.steps.at(-1)?.outcome, 'failure');
    const commands = run.log.split('\n').filter((line) => line.startsWith('::'));
    assert.equal(commands.length, 2, run.log);
    for (const line of commands) assert.match(line, /^::warning file=[^:,]+,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=replicated-registries tag-latest::[^\n]*$/);
    assert.ok(commands.some((line) => line.startsWith('::warning file=manifests/hostile%2Cx%3A%3A%250A%0A%3A%3Aadd-mask%3A%3Ay.yaml,line=5,')), run.log);
  });

  void it('a registries file that cannot be used stops at lint with exit 2, before anything is uploaded', async () => {
    const job = freshJob();
    writeFileSync(path.join(job.workspace, '.replicated-registries.yaml'), 'registries:\n  - slug: lab\n    provider: nope\n');
    const run = await runAction({}, job);
    assert.deepEqual(outcomes(run).slice(2), ['Check image references: failure', 'Show the findings: skipped', 'Upload to code scanning: skipped', 'Fail on findings at the fail-on level: skipped']);
    assert.equal(run.steps[2]?.exitCode, 2);
    assert.match(run.steps[2]?.stderr ?? '', /the registries file cannot be used/);
    assert.match(run.steps[2]?.stdout ?? '', /^::error title=replicated-registries::lint could not check everything \(exit 2\)/m);
  });

  void it('by default installs replicated-registries at the action’s own version from npm (offline here: the attempt is what is checked)', async () => {
    const run = await runAction({ package: '' });
    assert.equal(run.steps[1]?.outcome, 'failure');
    assert.match(run.steps[1]?.stdout ?? '', new RegExp(`^Installing replicated-registries@${VERSION.replace(/\./g, '\\.')} into `, 'm'));
    assert.match(run.steps[1]?.stderr ?? '', /ENOTCACHED|offline/i);
  });
});

void describe("README's GitLab job: its script run in the app's checkout", () => {
  void it('writes a Code Quality report GitLab can read, with the host-bound credentials from CI/CD variables', async () => {
    const job = parse(readmeExample('.gitlab-ci.yml')) as Record<string, { script: string[]; artifacts: { reports: { codequality: string } } }>;
    const gitlab = job['replicated-registries'];
    assert.ok(gitlab);
    const { workspace, jobEnv, credentialsEnv } = freshJob();
    // The one substitution: the package comes from the packed tarball instead of the npm registry.
    const spec = `replicated-registries@${VERSION}`;
    const script = gitlab.script.map((line) => {
      assert.ok(line.includes(spec), `the script installs ${spec}: ${line}`);
      return line.replace(spec, `--package=${tarball} replicated-registries`);
    });
    const ran = await bash(script.join('\n'), workspace, { ...jobEnv, ...credentialsEnv });
    assert.equal(ran.code, 1, `lint exits 1 on the error finding; GitLab still collects the report (when: always): ${ran.stderr}`);

    interface Issue { description: string; check_name: string; fingerprint: string; severity: string; location: { path: string; lines: { begin: number } } }
    const report = JSON.parse(readFileSync(path.join(workspace, gitlab.artifacts.reports.codequality), 'utf8')) as Issue[];
    assert.deepEqual(report.map((issue) => [issue.check_name, issue.severity, issue.location.path, issue.location.lines.begin]), [
      ['tag-not-found', 'major', 'manifests/deploy.yaml', 12],
      ['tag-latest', 'minor', 'manifests/deploy.yaml', 14],
    ]);
    for (const issue of report) assert.ok(issue.description && /^[0-9a-f]{32}$/.test(issue.fingerprint));
    assert.ok(!`${ran.stdout}${ran.stderr}`.includes(PASSWORD));
  });
});

function bash(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // GitLab's shell executor runs the script lines in one shell that stops at the first failing line.
    const child = spawn('bash', ['-eo', 'pipefail', '-c', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
