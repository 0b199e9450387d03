/**
 * `lint --offline` as a whole process, on a generated 5,000-document manifest and a 1,000-file
 * workspace, printed beside what the YAML libraries alone need for the same input: `yaml`'s
 * parseAllDocuments, `yaml`'s Lexer alone, and js-yaml's loadAll. Plus the engine in-process
 * (findImages + local rules: its first, cold, pass and the median), the same document by document as the
 * language server reads a file, and the lint process's peak memory.
 *
 * Targets (issue 3 §6, issue 12 §6): lint --offline of the big file ≤ parseAllDocuments alone, and
 * ≤ js-yaml's loadAll as whole processes, on the big file and on the 1,000-file workspace (every file read
 * and parsed by js-yaml in one process); the workspace < 5 s. What the workspace's peer does is less than
 * lint does, and the ratio is read with that in mind: it walks the folder itself (readdirSync, no
 * .gitignore, no sorting), reads each `.yaml` with readFileSync (no size or file-type bounds) and prints
 * nothing, while lint also reads and validates the registries file, honours `.gitignore`, sorts its
 * results and writes 280 KB of JSON. Neither is given the file list. The lint processes and their js-yaml peers
 * run interleaved, round by round (BENCH_PROCESS_ROUNDS, default 5), each ratio printed with its min and
 * median. Process start: `--version`, and `--help`
 * with the engine loaded (code cache warm, and off), beside `node -e 0` — target `--version` ≤ 1.2x.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync, readdirSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import jsYaml from 'js-yaml';
import { Lexer, parseAllDocuments } from 'yaml';
import { findImages, findImagesInDocument, splitDocuments } from '../server/src/manifests/findImages';
import { localFindings } from '../server/src/rules/localRules';
import { emptyRegistriesConfig } from '../server/src/store/types';
import { bigManifest, fixed, median, minimum, workload } from './workloads';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const WORKSPACE_FILES = 1_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
/** Rounds of the whole-process comparison (lint beside js-yaml), interleaved so load drifts hit both alike. */
const PROCESS_ROUNDS = Number(process.env.BENCH_PROCESS_ROUNDS ?? 5);
const START_RUNS = Number(process.env.BENCH_START_RUNS ?? 10);

const REGISTRIES = `app: acme-platform
registries:
  - slug: acme-ghcr
    provider: ghcr
    endpoint: ghcr.io
    authType: token
    username: acme-bot
public: [docker.io/library]
`;

interface Timing {
  ms: number;
  cpuMs: number;
}

function timeInProcess(run: () => void, onFirst?: (first: Timing) => void): Timing {
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    const started = process.hrtime.bigint();
    const cpuStarted = process.cpuUsage();
    run();
    const used = process.cpuUsage(cpuStarted);
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    cpu.push((used.user + used.system) / 1000);
    if (i === 0) onFirst?.({ ms: times[0] as number, cpuMs: cpu[0] as number });
  }
  return { ms: median(times), cpuMs: median(cpu) };
}

interface ProcessRun {
  ms: number;
  /** User + system CPU time of the lint process: what it costs, whatever else the machine is doing. */
  cpuMs: number;
  exitCode: number | null;
  maxRssMb: number;
}

/** Reports the child's peak RSS on exit (through stderr), without touching the CLI. */
const RSS_PRELOAD = `process.on('exit', () => { const u = process.resourceUsage(); require('node:fs').writeSync(2, '\\nbench-max-rss-kb ' + u.maxRSS + ' cpu-us ' + (u.userCPUTime + u.systemCPUTime) + '\\n'); });`;

/** Reads every .yaml under argv[1] (synchronously) and parses it with js-yaml: the 1,000-file workspace's floor. */
const WALK_AND_LOAD = `const fs = require('node:fs'); const path = require('node:path'); const jsYaml = require('js-yaml');
const walk = (dir) => { for (const entry of fs.readdirSync(dir, { withFileTypes: true })) { const full = path.join(dir, entry.name);
  if (entry.isDirectory()) walk(full); else if (entry.name.endsWith('.yaml')) jsYaml.loadAll(fs.readFileSync(full, 'utf8')); } };
walk(process.argv[1]);`;

async function runLint(command: string[], cwd: string, preload: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<ProcessRun> {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, ['--require', preload, ...command], { cwd, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, DOCKER_CONFIG: path.join(cwd, '.no-docker'), ...extraEnv } });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exitCode = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const usage = /bench-max-rss-kb (\d+) cpu-us (\d+)/.exec(stderr);
  if (exitCode === 2) throw new Error(`lint failed: ${stderr}`);
  return { ms, cpuMs: usage ? Number(usage[2]) / 1000 : NaN, exitCode, maxRssMb: usage ? Number(usage[1]) / 1024 : NaN };
}

/** The medians of several runs (peak memory: the largest). */
function summary(runs: ProcessRun[]): ProcessRun {
  return { ms: median(runs.map((run) => run.ms)), cpuMs: median(runs.map((run) => run.cpuMs)), exitCode: runs[0]?.exitCode ?? null, maxRssMb: Math.max(...runs.map((run) => run.maxRssMb)) };
}

async function timeLint(command: string[], cwd: string, preload: string): Promise<ProcessRun> {
  const runs: ProcessRun[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await runLint(command, cwd, preload));
  return summary(runs);
}

interface ProcessCase {
  command: string[];
  cwd: string;
  runs: ProcessRun[];
}

/**
 * Every case once per round, PROCESS_ROUNDS rounds (after one unmeasured run each, so the CLI's code
 * cache is warm as a user's is): on a shared machine the load drifts over a minute, and timing each
 * case in a block of its own put that drift into the ratios.
 */
async function interleaved(cases: ProcessCase[], preload: string): Promise<void> {
  for (const each of cases) await runLint(each.command, each.cwd, preload);
  for (let round = 0; round < PROCESS_ROUNDS; round++) for (const each of cases) each.runs.push(await runLint(each.command, each.cwd, preload));
}

/** `mine` against `theirs`, run for run of the same rounds: min and median of wall and CPU, and the ratios. */
function ratioLine(label: string, mine: ProcessRun[], theirs: ProcessRun[]): string {
  const wall = (runs: ProcessRun[]): number[] => runs.map((run) => run.ms);
  const cpu = (runs: ProcessRun[]): number[] => runs.map((run) => run.cpuMs);
  const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}x`;
  return (
    `  ${label}, lint / js-yaml as processes over ${mine.length} interleaved rounds: ` +
    `wall min ${fixed(minimum(wall(mine)), 0, 0)} / ${fixed(minimum(wall(theirs)), 0, 0)} = ${ratio(minimum(wall(mine)), minimum(wall(theirs)))}, ` +
    `median ${fixed(median(wall(mine)), 0, 0)} / ${fixed(median(wall(theirs)), 0, 0)} = ${ratio(median(wall(mine)), median(wall(theirs)))}; ` +
    `CPU min ${ratio(minimum(cpu(mine)), minimum(cpu(theirs)))}, median ${ratio(median(cpu(mine)), median(cpu(theirs)))} ` +
    `(target ≤ 1.0x: wall ${median(wall(mine)) <= median(wall(theirs)) ? 'MET' : 'MISSED'}, CPU ${median(cpu(mine)) <= median(cpu(theirs)) ? 'MET' : 'MISSED'})`
  );
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** The bundled CLI (built when stale); falls back to running the sources through tsx when the build is broken. */
function cliCommand(): { command: string[]; label: string } {
  const bundle = path.join(root, 'dist/cli.js');
  const stale = !existsSync(bundle) || statSync(bundle).mtimeMs < newestSource(path.join(root, 'server/src'));
  if (stale) {
    const build = spawnSync(process.execPath, ['scripts/build.mjs', '--production'], { cwd: root, stdio: 'inherit' });
    if (build.status !== 0 && !existsSync(bundle)) {
      console.log('! build failed; timing the CLI from sources through tsx (includes TypeScript compile time)');
      return { command: ['--import', path.join(root, 'node_modules/tsx/dist/loader.mjs'), path.join(root, 'server/src/cli.ts')], label: 'tsx (unbundled)' };
    }
    if (build.status !== 0) console.log('! build failed; timing the existing (stale) dist/cli.js');
  }
  return { command: [path.join(root, 'bin/replicated-registries')], label: 'bin/replicated-registries' };
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rr-lint-bench-'));
  try {
    const preload = path.join(dir, 'rss-preload.cjs');
    await writeFile(preload, RSS_PRELOAD);

    // The 5,000-document manifest.
    const bigDir = path.join(dir, 'big');
    await mkdir(bigDir);
    const big = bigManifest();
    await writeFile(path.join(bigDir, 'manifest.yaml'), big);
    await writeFile(path.join(bigDir, '.replicated-registries.yaml'), REGISTRIES);

    // The 1,000-file workspace: one to three documents per file, in nested folders.
    const workspace = path.join(dir, 'workspace');
    for (let i = 0; i < WORKSPACE_FILES; i++) {
      const folder = path.join(workspace, `team-${i % 20}`, `service-${i % 50}`);
      await mkdir(folder, { recursive: true });
      await writeFile(path.join(folder, `manifest-${i}.yaml`), workload(i) + (i % 3 === 0 ? workload(i + 10_000) : ''));
    }
    await writeFile(path.join(workspace, '.replicated-registries.yaml'), REGISTRIES);
    await writeFile(path.join(workspace, '.gitignore'), 'build/\n');

    const documents = big.split(/^---$/m).length - 1;
    console.log(`input: ${documents} documents, ${(Buffer.byteLength(big) / 1024 / 1024).toFixed(2)} MB, ${big.split('\n').length} lines; workspace: ${WORKSPACE_FILES} files`);
    console.log(`runs: median of ${RUNS}; machine load average ${os.loadavg().map((load) => load.toFixed(1)).join(' ')} on ${os.cpus().length} CPUs`);

    const yamlAll = timeInProcess(() => void parseAllDocuments(big));
    const yamlLexer = timeInProcess(() => {
      let tokens = 0;
      for (const _token of new Lexer().lex(big)) tokens++;
      if (tokens === 0) throw new Error('lexer produced nothing');
    });
    const jsYamlAll = timeInProcess(() => void jsYaml.loadAll(big));
    const env = { config: emptyRegistriesConfig(), offline: true, credentialsFor: () => Promise.resolve({}) };
    let imageCount = 0;
    // The first pass alone (cold, as in a lint process or a language server's first open), then the median.
    let engineFirst: Timing | undefined;
    const engine = timeInProcess(() => {
      const scan = findImages(big, 'manifest.yaml');
      imageCount = scan.images.length;
      localFindings(big, scan, env);
    }, (first) => (engineFirst = first));
    // The language server's path: document by document (each read on its own, so an edit re-reads one).
    let perDocumentFirst: Timing | undefined;
    const perDocument = timeInProcess(() => {
      for (const range of splitDocuments(big)) localFindings(big, findImagesInDocument(big, range, 'manifest.yaml'), env);
    }, (first) => (perDocumentFirst = first));

    // The same libraries as whole processes (start-up, require, read, parse), for a like-for-like comparison.
    const manifestPath = path.join(bigDir, 'manifest.yaml');
    const baseline = (code: string): Promise<ProcessRun> => timeLint(['-e', code, manifestPath], root, preload);
    const yamlProcess = await baseline(`require('yaml').parseAllDocuments(require('node:fs').readFileSync(process.argv[1], 'utf8'))`);

    // lint and its js-yaml peers, interleaved round by round.
    const cli = cliCommand();
    const jsYamlCase: ProcessCase = { command: ['-e', `require('js-yaml').loadAll(require('node:fs').readFileSync(process.argv[1], 'utf8'))`, manifestPath], cwd: root, runs: [] };
    const bigLintCase: ProcessCase = { command: [...cli.command, 'lint', '--offline', '--format', 'json', 'manifest.yaml'], cwd: bigDir, runs: [] };
    const workspaceLintCase: ProcessCase = { command: [...cli.command, 'lint', '--offline', '--format', 'json'], cwd: workspace, runs: [] };
    // Its peer: every YAML file of the workspace read and parsed by js-yaml in one process.
    const workspaceJsYamlCase: ProcessCase = { command: ['-e', WALK_AND_LOAD, workspace], cwd: root, runs: [] };
    await interleaved([jsYamlCase, bigLintCase, workspaceJsYamlCase, workspaceLintCase], preload);
    const jsYamlProcess = summary(jsYamlCase.runs);
    const bigLint = summary(bigLintCase.runs);
    const workspaceLint = summary(workspaceLintCase.runs);
    const workspaceJsYaml = summary(workspaceJsYamlCase.runs);

    const row = (label: string, timing: Timing, note = ''): void =>
      console.log(`${label.padEnd(50)} ${timing.ms.toFixed(0).padStart(6)} ms wall ${timing.cpuMs.toFixed(0).padStart(6)} ms CPU ${note}`);
    console.log('\n5,000-document manifest');
    row('yaml parseAllDocuments (in-process)', yamlAll);
    row('yaml Lexer only (in-process)', yamlLexer);
    row('js-yaml loadAll (in-process)', jsYamlAll);
    row('engine: findImages + local rules (in-process)', engine, `(${imageCount} images)`);
    if (engineFirst) row('  its first pass (cold)', engineFirst);
    row('engine document by document (language server)', perDocument);
    if (perDocumentFirst) row('  its first pass (after the whole-file passes)', perDocumentFirst);
    row('node -e yaml parseAllDocuments, whole process', yamlProcess, `peak RSS ${yamlProcess.maxRssMb.toFixed(0)} MB`);
    row('node -e js-yaml loadAll, whole process', jsYamlProcess, `peak RSS ${jsYamlProcess.maxRssMb.toFixed(0)} MB`);
    row(`lint --offline, whole process`, bigLint, `peak RSS ${bigLint.maxRssMb.toFixed(0)} MB, exit ${bigLint.exitCode}`);
    const verdict = (mine: Timing, theirs: Timing): string => `wall ${mine.ms <= theirs.ms ? 'MET' : 'MISSED'}, CPU ${mine.cpuMs <= theirs.cpuMs ? 'MET' : 'MISSED'}`;
    console.log(`  target ≤ parseAllDocuments: in-process ${verdict(bigLint, yamlAll)}; as processes ${verdict(bigLint, yamlProcess)}`);
    console.log(`  aim ≤ js-yaml loadAll: in-process ${verdict(bigLint, jsYamlAll)}; as processes ${verdict(bigLint, jsYamlProcess)}`);
    console.log('\n1,000-file workspace');
    row(`lint --offline, whole process`, workspaceLint, `peak RSS ${workspaceLint.maxRssMb.toFixed(0)} MB, exit ${workspaceLint.exitCode}`);
    row('node -e: read every file + js-yaml loadAll, whole process', workspaceJsYaml, `peak RSS ${workspaceJsYaml.maxRssMb.toFixed(0)} MB`);
    console.log(`  target < 5000 ms: wall ${workspaceLint.ms < 5000 ? 'MET' : 'MISSED'}, CPU ${workspaceLint.cpuMs < 5000 ? 'MET' : 'MISSED'}`);
    console.log(ratioLine('5,000-document manifest', bigLintCase.runs, jsYamlCase.runs));
    console.log(ratioLine('1,000-file workspace', workspaceLintCase.runs, workspaceJsYamlCase.runs));

    // Process start: the CLI beside an empty Node process, interleaved, START_RUNS each.
    console.log(`\nprocess start, ${START_RUNS} runs each, interleaved (ms; CPU = user + system)`);
    const starts: Array<{ label: string; args: string[]; env?: NodeJS.ProcessEnv; runs: ProcessRun[] }> = [
      { label: 'node -e 0', args: ['-e', '0'], runs: [] },
      { label: '--version (answered before the engine loads)', args: [...cli.command, '--version'], runs: [] },
      { label: '--help (engine loaded, code cache)', args: [...cli.command, '--help'], runs: [] },
      { label: '--help (engine loaded, no code cache)', args: [...cli.command, '--help'], env: { REPLICATED_REGISTRIES_CODE_CACHE: '0' }, runs: [] },
    ];
    for (let i = 0; i < START_RUNS; i++) for (const start of starts) start.runs.push(await runLint(start.args, dir, preload, start.env));
    const floor = starts[0] as (typeof starts)[number];
    for (const start of starts) {
      const wall = start.runs.map((run) => run.ms);
      const cpu = start.runs.map((run) => run.cpuMs);
      const ratio = start === floor ? '' : `ratio (median) wall ${(median(wall) / median(floor.runs.map((run) => run.ms))).toFixed(2)}x, CPU ${(median(cpu) / median(floor.runs.map((run) => run.cpuMs))).toFixed(2)}x`;
      console.log(`${start.label.padEnd(46)} wall min ${fixed(minimum(wall))} median ${fixed(median(wall))}  CPU min ${fixed(minimum(cpu))} median ${fixed(median(cpu))}  ${ratio}`);
    }
    console.log('  target --version ≤ 1.2x node -e 0');
    console.log(`(CLI: ${cli.label}; wall times depend on the machine's load, CPU times much less)`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
