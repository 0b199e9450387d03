/**
 * Hostile input (issue 8): `lint --offline` as a whole process on each file the attack suite uses to
 * hang or exhaust the tools, beside its peer — `lint --offline` on an ordinary file of about the same
 * size, in the same run. Median wall and CPU time of several rounds, peak RSS (max).
 *
 * Before the bounds (same machine): the 487-byte alias bomb ran past 45 s and 1.5 GB (killed); 9^7 took
 * 11 s and 584 MB; 100 KB of aliases 21 s; the 50 MB registries file past 60 s and 2 GB (killed).
 * Target: each hostile file costs about what its peer costs (no more than a few times), and never
 * more than the documented bounds (README, Security).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const RSS_PRELOAD = `process.on('exit', () => { const u = process.resourceUsage(); require('node:fs').writeSync(2, '\\nbench-max-rss-kb ' + u.maxRSS + ' cpu-us ' + (u.userCPUTime + u.systemCPUTime) + '\\n'); });`;

interface Run {
  ms: number;
  cpuMs: number;
  rssMb: number;
  exitCode: number | null;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function lintOnce(cwd: string, preload: string): Promise<Run> {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, ['--require', preload, path.join(root, 'bin/replicated-registries'), 'lint', '--offline'], {
    cwd,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, DOCKER_CONFIG: path.join(cwd, '.no-docker') },
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exitCode = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const usage = /bench-max-rss-kb (\d+) cpu-us (\d+)/.exec(stderr);
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, cpuMs: usage ? Number(usage[2]) / 1000 : NaN, rssMb: usage ? Number(usage[1]) / 1024 : NaN, exitCode };
}

async function lint(cwd: string, preload: string): Promise<Run> {
  const runs: Run[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await lintOnce(cwd, preload));
  return { ms: median(runs.map((r) => r.ms)), cpuMs: median(runs.map((r) => r.cpuMs)), rssMb: Math.max(...runs.map((r) => r.rssMb)), exitCode: runs[0]?.exitCode ?? null };
}

function aliasBomb(): string {
  const lines = ['apiVersion: v1', 'kind: ConfigMap', 'data:', '  l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 9; i++) lines.push(`  l${i}: &l${i} [${Array(9).fill(`*l${i - 1}`).join(',')}]`);
  return `${lines.join('\n')}\n`;
}

/** An ordinary manifest of about `bytes` (Pods with one container each). */
function ordinary(bytes: number): string {
  let text = '';
  for (let i = 0; text.length < bytes; i++) text += `---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p${i}\nspec:\n  containers:\n    - name: c\n      image: ghcr.io/acme/app:1.${i % 50}\n`;
  return text;
}

function aliasFlood(bytes: number): string {
  let text = 'base: &b {x: 1}\nitems:\n';
  while (text.length < bytes) text += '  - *b\n';
  return text;
}

function registries(entries: number): string {
  const parts: string[] = [];
  for (let i = 0; i < entries; i++) parts.push(`  - slug: r${i}\n    provider: other\n    endpoint: r${i}.example.com\n`);
  return `registries:\n${parts.join('')}`;
}

interface Case {
  name: string;
  files: Record<string, string>;
  peer: Record<string, string>;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rr-hostile-bench-'));
  try {
    const preload = path.join(dir, 'rss-preload.cjs');
    await writeFile(preload, RSS_PRELOAD);
    const deep = `kind: Pod\nspec: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`;
    const cases: Case[] = [
      { name: 'alias bomb 9x9 (487 B)', files: { 'bomb.yaml': aliasBomb() }, peer: { 'pod.yaml': ordinary(500) } },
      { name: 'alias flood (200 KB, 30,000 aliases)', files: { 'flood.yaml': aliasFlood(200 * 1024) }, peer: { 'pods.yaml': ordinary(200 * 1024) } },
      { name: 'flow nesting 100,000 deep (200 KB)', files: { 'deep.yaml': deep }, peer: { 'pods.yaml': ordinary(deep.length) } },
      { name: 'manifest of 20 MB', files: { 'huge.yaml': ordinary(20 * 1024 * 1024) }, peer: { 'pods.yaml': ordinary(4 * 1024 * 1024) } },
      { name: 'registries file of 50 MB (750,000 entries)', files: { '.replicated-registries.yaml': registries(750_000), 'pod.yaml': ordinary(500) }, peer: { '.replicated-registries.yaml': registries(100), 'pod.yaml': ordinary(500) } },
    ];
    console.log(`lint --offline, whole process; median of ${RUNS} (peak RSS: max); peer = an ordinary input of about the same size, this run`);
    console.log(`${'input'.padEnd(46)}${'hostile wall'.padStart(14)}${'CPU'.padStart(10)}${'RSS'.padStart(9)}${'exit'.padStart(6)}   ${'peer wall'.padStart(10)}${'CPU'.padStart(10)}${'RSS'.padStart(9)}   ratio (wall)`);
    for (const [index, c] of cases.entries()) {
      const hostileDir = path.join(dir, `hostile-${index}`);
      const peerDir = path.join(dir, `peer-${index}`);
      for (const [target, files] of [
        [hostileDir, c.files],
        [peerDir, c.peer],
      ] as const) {
        await mkdir(target);
        for (const [name, text] of Object.entries(files)) await writeFile(path.join(target, name), text);
      }
      const hostile = await lint(hostileDir, preload);
      const peer = await lint(peerDir, preload);
      const cell = (run: Run): string => `${run.ms.toFixed(0).padStart(9)} ms${run.cpuMs.toFixed(0).padStart(7)} ms${run.rssMb.toFixed(0).padStart(6)} MB`;
      console.log(`${c.name.padEnd(46)}${cell(hostile)}${String(hostile.exitCode).padStart(6)}   ${cell(peer).padStart(10)}   ${(hostile.ms / peer.ms).toFixed(2)}x`);
    }
    console.log('(the 20 MB manifest is refused unread, so it costs less than its 4 MB peer; exit 2 = the registries file cannot be used, said in one line)');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
