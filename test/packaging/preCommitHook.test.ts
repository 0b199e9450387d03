/**
 * The pre-commit hook, installed and run by pre-commit itself (Debian's `pre-commit` package, as .ci/run
 * installs it) on a fixture git repository whose `.pre-commit-config.yaml` is the README's, pointed at a
 * local clone of this checkout (its commit plus its uncommitted changes, new files in the index too, tagged
 * as the README's `rev:`). pre-commit builds the `language: node` hook the way it does for any user (npm
 * install, npm pack → prepack, npm install -g of the tarball into the hook's own environment), once, and
 * runs `.pre-commit-hooks.yaml`'s entry on the repository's YAML files.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { repoRoot } from '../harness/npmPackage';
import { makeTempDir, removeTempDir, runChecked, runCommand, type RunResult } from '../harness/processes';
import { readmeExample } from '../harness/readmeExamples';

void describe('pre-commit hook replicated-registries-lint, run by pre-commit', () => {
  let work: string;
  let fixture: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    work = makeTempDir('pre-commit');
    fixture = path.join(work, 'repo');
    mkdirSync(path.join(fixture, 'k8s'), { recursive: true });
    // A connected registry nothing listens on: offline, no check may try it (no pull-check-failed).
    writeFileSync(path.join(fixture, '.replicated-registries.yaml'), 'app: acme\nregistries:\n  - slug: lab\n    provider: other\n    endpoint: 127.0.0.1:9\n    authType: password\n    username: ci\npublic: [docker.io/library]\n');
    writeFileSync(path.join(fixture, 'k8s', 'pod.yaml'), 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: Acme/App:1\n    - image: 127.0.0.1:9/team/app:v1\n');
    writeFileSync(path.join(fixture, 'notes.txt'), 'image: Not/Yaml:1\n');
    env = {
      ...process.env,
      PRE_COMMIT_HOME: path.join(work, 'pre-commit-home'),
      // The hook's `npm install` takes the packages of this checkout's lockfile from npm's cache when it has them.
      npm_config_prefer_offline: 'true',
      GIT_AUTHOR_NAME: 'Test',
      GIT_AUTHOR_EMAIL: 'test@example.invalid',
      GIT_COMMITTER_NAME: 'Test',
      GIT_COMMITTER_EMAIL: 'test@example.invalid',
    };

    // The hook repository: this checkout as committed, plus its uncommitted changes, at the README's rev.
    const hooks = path.join(work, 'hooks-repo');
    const readmeConfig = readmeExample('.pre-commit-config.yaml');
    const rev = (parse(readmeConfig) as { repos: Array<{ rev: string }> }).repos[0]?.rev ?? '';
    await runChecked('git', ['clone', '--quiet', repoRoot, hooks], { env });
    const changes = await runChecked('git', ['diff', '--binary', 'HEAD'], { cwd: repoRoot, env });
    if (changes.stdout) {
      await runChecked('git', ['apply', '--whitespace=nowarn'], { cwd: hooks, env, input: changes.stdout });
      // New files too (`git diff HEAD` has those the index holds; `commit --all` would leave them out).
      await runChecked('git', ['add', '--all'], { cwd: hooks, env });
      await runChecked('git', ['commit', '--quiet', '--message', 'uncommitted changes'], { cwd: hooks, env });
    }
    await runChecked('git', ['tag', rev], { cwd: hooks, env });
    writeFileSync(path.join(fixture, '.pre-commit-config.yaml'), readmeConfig.replace(/repo: \S+/, `repo: ${hooks}`));

    await runChecked('git', ['init', '--quiet'], { cwd: fixture, env });
    await runChecked('git', ['add', '--all'], { cwd: fixture, env });
    await runChecked('git', ['commit', '--quiet', '--message', 'app'], { cwd: fixture, env });
  });

  after(() => {
    if (work) removeTempDir(work);
  });

  const preCommitRun = (...args: string[]): Promise<RunResult> => runCommand('pre-commit', ['run', '--verbose', ...args], { cwd: fixture, env, timeoutMs: 600_000 });

  void it('on all files: installs the hook and fails on the invalid reference, checking YAML files only, offline', async () => {
    const ran = await preCommitRun('--all-files');
    assert.equal(ran.code, 1, `${ran.stdout}\n${ran.stderr}`);
    assert.match(ran.stdout, /replicated-registries lint\.+Failed/);
    assert.match(ran.stdout, /^k8s\/pod\.yaml:5:\d+ error invalid-reference /m);
    assert.match(ran.stdout, /1 problem \(1 error\); 3 YAML files checked/, 'the pod, the registries file and the pre-commit config, not notes.txt');
    assert.doesNotMatch(ran.stdout, /pull-check-failed|credentials-missing|notes\.txt/);
  });

  void it('on a commit: only the staged YAML files are checked, and a clean one passes', async () => {
    writeFileSync(path.join(fixture, 'k8s', 'job.yaml'), 'apiVersion: batch/v1\nkind: Job\nspec:\n  template:\n    spec:\n      containers:\n        - image: 127.0.0.1:9/team/job:v2\n');
    await runChecked('git', ['add', 'k8s/job.yaml'], { cwd: fixture, env });
    const ran = await preCommitRun();
    assert.equal(ran.code, 0, `${ran.stdout}\n${ran.stderr}`);
    assert.match(ran.stdout, /replicated-registries lint\.+Passed/);
    assert.match(ran.stdout, /no problems; 1 YAML file checked/);
  });
});
