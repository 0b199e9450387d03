/**
 * Runs a composite GitHub Action's `run:` steps here, as the runner would, without GitHub: inputs with
 * their defaults, `${{ }}` expressions in `env:` / `with:` / `if:` evaluated, each script run by
 * `bash --noprofile --norc -eo pipefail` (the runner's `shell: bash`) in the workspace, GITHUB_OUTPUT /
 * GITHUB_PATH / RUNNER_TEMP / GITHUB_ACTION_PATH as the runner provides them, later steps skipped after a
 * failure. `uses:` steps cannot run here: they are recorded with their evaluated `with:` for the test to
 * check. Only the expression forms below are understood; anything else throws, so an action that starts
 * using another form fails its test instead of being run wrongly.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

interface ActionStep {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}

export interface ActionMetadata {
  name: string;
  inputs: Record<string, { description?: string; default?: string; required?: boolean }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: ActionStep[] };
}

export interface StepRecord {
  name: string;
  outcome: 'success' | 'failure' | 'skipped' | 'not run here';
  /** For `uses:` steps: the action and its evaluated `with:`. */
  uses?: string;
  with?: Record<string, string>;
  exitCode?: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
}

export interface ActionRun {
  steps: StepRecord[];
  /** The action's own outputs, evaluated at the end. */
  outputs: Record<string, string>;
  failed: boolean;
  /** Every step's stdout, in order: what the job log shows. */
  log: string;
}

export interface RunActionOptions {
  /** The folder holding action.yml (GITHUB_ACTION_PATH). */
  actionPath: string;
  /** The job's working directory (GITHUB_WORKSPACE). */
  workspace: string;
  /** A scratch folder: RUNNER_TEMP and the runner's command files live here. */
  runnerTemp: string;
  with: Record<string, string>;
  /** The job's environment, including the `env:` of the step that uses the action. */
  env: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

export function readActionMetadata(actionPath: string): ActionMetadata {
  return parse(readFileSync(path.join(actionPath, 'action.yml'), 'utf8')) as ActionMetadata;
}

export async function runCompositeAction(options: RunActionOptions): Promise<ActionRun> {
  const metadata = readActionMetadata(options.actionPath);
  if (metadata.runs.using !== 'composite') throw new Error(`action.yml runs.using is ${metadata.runs.using}, not composite`);
  for (const name of Object.keys(options.with)) {
    if (!(name in metadata.inputs)) throw new Error(`input "${name}" is not declared in action.yml`);
  }
  const inputs: Record<string, string> = {};
  for (const [name, input] of Object.entries(metadata.inputs)) {
    const value = options.with[name] ?? input.default ?? '';
    if (input.required && value === '') throw new Error(`input "${name}" is required`);
    inputs[name] = value;
  }

  mkdirSync(options.runnerTemp, { recursive: true });
  const stepOutputs: Record<string, Record<string, string>> = {};
  const addedPath: string[] = [];
  const context = { inputs, stepOutputs, actionPath: options.actionPath, runnerTemp: options.runnerTemp, workspace: options.workspace };
  const steps: StepRecord[] = [];
  let failed = false;

  for (const [index, step] of metadata.runs.steps.entries()) {
    const name = step.name ?? step.uses ?? `step ${index + 1}`;
    const condition = step.if === undefined ? true : evaluateCondition(step.if, context, failed);
    if (!condition || (failed && !/\balways\(\)/.test(step.if ?? ''))) {
      steps.push({ name, outcome: 'skipped', stdout: '', stderr: '', outputs: {} });
      continue;
    }
    if (step.uses !== undefined) {
      const evaluated = Object.fromEntries(Object.entries(step.with ?? {}).map(([key, value]) => [key, substitute(String(value), context)]));
      steps.push({ name, outcome: 'not run here', uses: step.uses, with: evaluated, stdout: '', stderr: '', outputs: {} });
      continue;
    }
    if (step.run === undefined) throw new Error(`step "${name}" has neither run nor uses`);
    if (step.shell !== 'bash') throw new Error(`step "${name}": composite run steps need shell: bash here, not ${String(step.shell)}`);
    if (step.run.includes('${{')) throw new Error(`step "${name}": an expression inside run: is spliced into the script (script injection); pass it through env:`);

    const script = path.join(options.runnerTemp, `step-${index}.sh`);
    const outputFile = path.join(options.runnerTemp, `output-${index}`);
    const pathFile = path.join(options.runnerTemp, `path-${index}`);
    writeFileSync(script, step.run);
    writeFileSync(outputFile, '');
    writeFileSync(pathFile, '');
    const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([key, value]) => [key, substitute(String(value), context)]));
    const env: NodeJS.ProcessEnv = {
      ...options.env,
      ...stepEnv,
      PATH: [...addedPath, options.env.PATH ?? ''].join(path.delimiter),
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: options.workspace,
      GITHUB_ACTION_PATH: options.actionPath,
      RUNNER_TEMP: options.runnerTemp,
      GITHUB_OUTPUT: outputFile,
      GITHUB_PATH: pathFile,
    };
    const ran = await runBash(script, options.workspace, env, options.timeoutMs ?? 180_000);
    const outputs = parseOutputFile(readFileSync(outputFile, 'utf8'));
    if (step.id) stepOutputs[step.id] = outputs;
    // The runner prepends GITHUB_PATH entries, the latest first, for the steps after this one.
    addedPath.unshift(...readFileSync(pathFile, 'utf8').split('\n').filter(Boolean).reverse());
    const outcome = ran.code === 0 ? 'success' : 'failure';
    if (outcome === 'failure') failed = true;
    steps.push({ name, outcome, exitCode: ran.code, stdout: ran.stdout, stderr: ran.stderr, outputs });
  }

  const outputs = Object.fromEntries(Object.entries(metadata.outputs ?? {}).map(([key, output]) => [key, substitute(output.value, context)]));
  return { steps, outputs, failed, log: steps.map((step) => step.stdout).join('') };
}

interface ExpressionContext {
  inputs: Record<string, string>;
  stepOutputs: Record<string, Record<string, string>>;
  actionPath: string;
  runnerTemp: string;
  workspace: string;
}

/** The value of one context reference: inputs.X, steps.ID.outputs.X, github.action_path, github.workspace, runner.temp. */
function lookup(reference: string, context: ExpressionContext): string {
  let match: RegExpExecArray | null;
  if ((match = /^inputs\.([A-Za-z0-9_-]+)$/.exec(reference))) {
    const value = context.inputs[match[1] as string];
    if (value === undefined) throw new Error(`unknown input in \${{ ${reference} }}`);
    return value;
  }
  if ((match = /^steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)$/.exec(reference))) return context.stepOutputs[match[1] as string]?.[match[2] as string] ?? '';
  if (reference === 'github.action_path') return context.actionPath;
  if (reference === 'github.workspace') return context.workspace;
  if (reference === 'runner.temp') return context.runnerTemp;
  throw new Error(`expression not understood by the test runner: ${reference}`);
}

function substitute(text: string, context: ExpressionContext): string {
  return text.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_all, reference: string) => lookup(reference, context));
}

/** `if:` forms: REF == 'literal', REF != 'literal', always(), joined with &&. */
function evaluateCondition(expression: string, context: ExpressionContext, failed: boolean): boolean {
  const bare = expression.replace(/^\$\{\{\s*|\s*\}\}$/g, '');
  return bare.split('&&').every((part) => {
    const term = part.trim();
    if (term === 'always()') return true;
    if (term === 'success()') return !failed;
    const match = /^([A-Za-z0-9_.-]+)\s*(==|!=)\s*'([^']*)'$/.exec(term);
    if (!match) throw new Error(`if: expression not understood by the test runner: ${term}`);
    const equal = lookup(match[1] as string, context) === match[3];
    return match[2] === '==' ? equal : !equal;
  });
}

/** GITHUB_OUTPUT lines: `name=value`, or `name<<DELIMITER` … `DELIMITER` for values with new lines. */
function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const heredoc = /^([^=]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2] as string, i + 1);
      if (end < 0) throw new Error(`GITHUB_OUTPUT: no closing ${heredoc[2]} for ${heredoc[1]}`);
      outputs[heredoc[1] as string] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (line.includes('=')) {
      outputs[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return outputs;
}

function runBash(script: string, cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    if (!existsSync(cwd)) throw new Error(`workspace ${cwd} does not exist`);
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
