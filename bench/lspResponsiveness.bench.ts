/**
 * Responsiveness of the language server (issue 12), over real LSP connections (stdio), each figure
 * beside its peer measured in the same run: Red Hat's yaml-language-server (pinned devDependency) on
 * the same files, and our own idle figure beside the loaded one.
 *
 * 1. Typing while something else is analysed: keystroke → diagnostics of that version in a small open
 *    file (the 500-line manifest), one keystroke every TYPING_INTERVAL_MS, (a) while the workspace scan
 *    reads the 4.3 MB big file (not open; a configuration change starts the scan again each round) and
 *    (b) while the big file is being opened in another tab — beside the idle p95 of the same server.
 *    yaml-language-server has no workspace scan: it gets (b) and idle. Target: p95 ≤ 2× idle p95.
 *    Beside (a): how long that scan takes while typing, and with nobody typing (the scan waits for
 *    pauses in typing, so it is slower while typing; it must still finish).
 * 2. The big file open (5,000 documents, no registries file: 9,373 findings, 8,332 of them one of three
 *    registries not connected; 1,104 diagnostics with the default of 20 marks per problem, and again
 *    with every place marked, `maxRepeatedProblems: 0`): cold open →
 *    first diagnostics (a fresh server each round), edit → diagnostics of that version, hover on image
 *    lines; with push diagnostics and with LSP 3.17 pull diagnostics (edit → full report; a pull with
 *    nothing changed → `unchanged`). Targets: open ≤ 500 ms, edit p95 ≤ 30 ms, hover p95 ≤ 5 ms.
 *    yaml-language-server validates after a fixed 200 ms debounce: its edit figure is printed as measured
 *    and without those 200 ms.
 * 3. Keystroke → diagnostics with each server's default delay (ours: lsp/settings.ts; the peer's 200 ms).
 * Ours runs offline (no registry traffic) with the diagnostics delay at 0 ms except in 3, so the figures
 * are the server's own work. Rounds: BENCH_ROUNDS (default 3); min and median across rounds.
 * The server under test: REPLICATED_LSP_SERVER (default dist/server.js), so an older build can be
 * measured with the same benchmark; it runs with the extension's Node flags (protocol/serverProcess.ts),
 * or REPLICATED_LSP_NODE_FLAGS (empty: none, as builds before issue 12 were started).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DidChangeConfigurationNotification, type Position } from 'vscode-languageserver-protocol';
import { fileUri, LspTestClient, type StartOptions } from '../test/lsp/lspTestClient';
import { bigManifest, fixed, manifestOfLines, median, minimum, peakRssMb, percentile, processCpuMs } from './workloads';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const TYPING_INTERVAL_MS = 30;
const IDLE_KEYSTROKES = 40;
const BIG_EDITS = Number(process.env.BENCH_EDITS ?? 30);
const HOVERS = 40;
const PEER_BIG_EDITS = 3;
const YAML_LS_DEBOUNCE_MS = 200;
const root = path.resolve(__dirname, '..');
const yamlLanguageServer = path.join(root, 'node_modules/yaml-language-server/bin/yaml-language-server');
/** 1.25.0, the newest release that runs on the Node 20 the project supports (2.x wants Node 22.13). */
const PEER_VERSION = (JSON.parse(readFileSync(path.join(root, 'node_modules/yaml-language-server/package.json'), 'utf8')) as { version: string }).version;

type Server = 'ours' | 'yaml-language-server';

function start(server: Server, options: StartOptions): Promise<LspTestClient> {
  if (server === 'ours') return LspTestClient.start({ ...options, initializationOptions: { offline: true, diagnosticsDelayMs: 0, ...options.initializationOptions } });
  return LspTestClient.start({
    ...options,
    command: { file: process.execPath, args: [yamlLanguageServer, '--stdio'] },
    // No schema store (no network, and no schema on these files): syntax validation, hover, completion.
    settings: { yaml: { validate: true, hover: true, completion: true, schemaStore: { enable: false } }, '[yaml]': {}, http: {}, editor: {} },
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/** Inside each container image value (0-based lines; not the ConfigMaps' embedded text). */
function imagePositions(text: string): Position[] {
  const positions: Position[] = [];
  text.split('\n').forEach((line, index) => {
    const at = line.indexOf('image: ');
    if (at >= 0 && !line.includes('not-an-image')) positions.push({ line: index, character: at + 'image: '.length + 2 });
  });
  return positions;
}

/**
 * A document whose tag lines can be flipped to and from `latest`, one edit at a time: every flip changes
 * the diagnostics (a `tag-latest` comes or goes), so every edit has something new to publish.
 */
class TagFlipper {
  private readonly lines: string[];
  private readonly tagLines: number[];
  private next = 0;

  constructor(
    readonly uri: string,
    text: string,
    pattern: string,
  ) {
    this.lines = text.split('\n');
    this.tagLines = this.lines.flatMap((line, index) => (line.includes(pattern) && /:[\w.-]+$/.test(line) ? [index] : []));
    if (this.tagLines.length === 0) throw new Error(`no line with ${pattern} to edit`);
  }

  /** Sends the next flip; resolves once sent. */
  async flip(client: LspTestClient): Promise<void> {
    const lineIndex = this.tagLines[(this.next++ * 7919) % this.tagLines.length] as number;
    const lineText = this.lines[lineIndex] as string;
    const colon = lineText.lastIndexOf(':');
    const newTag = lineText.slice(colon + 1) === 'latest' ? '3.0.0' : 'latest';
    await client.edit(this.uri, { start: { line: lineIndex, character: colon + 1 }, end: { line: lineIndex, character: lineText.length } }, newTag);
    this.lines[lineIndex] = lineText.slice(0, colon + 1) + newTag;
  }
}

/** One edit, timed until the diagnostics of its version (ours) or the next publish (peers: no version). */
async function timedEdit(client: LspTestClient, server: Server, flipper: TagFlipper, timeoutMs = 120_000): Promise<number> {
  const published = server === 'ours' ? client.waitForVersion(flipper.uri, client.nextVersion(flipper.uri), timeoutMs) : client.waitForDiagnostics({ uri: flipper.uri, timeoutMs });
  const started = performance.now();
  await flipper.flip(client);
  await published;
  return performance.now() - started;
}

/** Keystrokes at the typing interval until `done()` (or `count` of them), each timed to its diagnostics. */
async function type(client: LspTestClient, server: Server, flipper: TagFlipper, until: { count?: number; done?: () => boolean }): Promise<number[]> {
  const samples: number[] = [];
  while ((until.count === undefined || samples.length < until.count) && !(until.done?.() ?? false)) {
    const started = performance.now();
    samples.push(await timedEdit(client, server, flipper, 60_000));
    await sleep(TYPING_INTERVAL_MS - (performance.now() - started));
  }
  return samples;
}

function p95(samples: readonly number[]): number {
  return percentile([...samples].sort((a, b) => a - b), 95);
}

function line(label: string, values: readonly number[], extra = ''): void {
  console.log(`${label.padEnd(58)} min ${fixed(minimum(values))}  median ${fixed(median(values))} ${extra}`);
}

// ---- 1. typing while another file is analysed ------------------------------------------------------

/** Idle keystroke → diagnostics p95 per round, for the line that compares the default delays. */
const idleBy = new Map<string, number[]>();

async function typingFigures(server: Server): Promise<void> {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'rr-bench-typing-'));
  const small = manifestOfLines(500);
  const big = bigManifest();
  writeFileSync(path.join(folder, 'small.yaml'), small);
  // Workspace scan: the big file on disk, not open.
  if (server === 'ours') writeFileSync(path.join(folder, 'big.yaml'), big);
  const client = await start(server, { rootPath: folder });
  const scans = (): number => client.logs.filter((log) => log.startsWith('workspace scan:')).length;
  try {
    if (server === 'ours') await client.until(() => scans() >= 1, 'the first workspace scan', 120_000);
    const smallUri = fileUri(path.join(folder, 'small.yaml'));
    const opened = client.waitForDiagnostics({ uri: smallUri, timeoutMs: 60_000 });
    await client.open(smallUri, small);
    await opened;
    const flipper = new TagFlipper(smallUri, small, 'image: ghcr.io/acme/service-');
    await type(client, server, flipper, { count: 10 }); // warm-up

    const idle: number[][] = [];
    const duringScan: number[][] = [];
    // How long the scan takes while typing goes on, beside the same scan with nobody typing: the scan
    // waits for pauses in typing (scheduler.ts), so typing slows it down; it must not stop it.
    const scanIdleMs: number[] = [];
    const scanTypingMs: number[] = [];
    const duringOpen: number[][] = [];
    let scanSamples = 0;
    let openSamples = 0;
    for (let round = 0; round < ROUNDS; round++) {
      idle.push(await type(client, server, flipper, { count: IDLE_KEYSTROKES }));
      if (server === 'ours') {
        // A configuration change clears the caches and scans the workspace again: the big file is read from scratch.
        let before = scans();
        let scanStarted = performance.now();
        await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: {} });
        await client.until(() => scans() > before, 'the workspace scan', 120_000);
        scanIdleMs.push(performance.now() - scanStarted);
        before = scans();
        scanStarted = performance.now();
        await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: {} });
        const samples = await type(client, server, flipper, { done: () => scans() > before });
        scanTypingMs.push(performance.now() - scanStarted);
        duringScan.push(samples);
        scanSamples += samples.length;
      }
      // The big file opened in another tab while typing goes on here.
      const bigUri = fileUri(path.join(folder, `opened-${round}.yaml`));
      const bigOpened = client.waitForDiagnostics({ uri: bigUri, until: (d) => d.length > 0 || server !== 'ours', timeoutMs: 120_000 });
      let bigDone = false;
      void bigOpened.then(() => (bigDone = true));
      await client.open(bigUri, big);
      const samples = await type(client, server, flipper, { done: () => bigDone });
      await bigOpened;
      await client.close(bigUri);
      duringOpen.push(samples);
      openSamples += samples.length;
    }
    const idleP95 = idle.map(p95);
    idleBy.set(server, idleP95);
    console.log(`\n${server}: keystroke → diagnostics in a 500-line open file, one every ${TYPING_INTERVAL_MS} ms (p95 per round, ms)`);
    line('idle', idleP95);
    if (server === 'ours') {
      const scanP95 = duringScan.map(p95);
      line(`during the workspace scan of the 4.3 MB file (${scanSamples} keystrokes)`, scanP95, `ratio to idle ${(median(scanP95) / median(idleP95)).toFixed(2)}x (target ≤ 2x: ${median(scanP95) <= 2 * median(idleP95) ? 'MET' : 'MISSED'})`);
      console.log(`${''.padEnd(58)} max ${fixed(Math.max(...duringScan.flat()))}`);
      line('workspace scan duration, nobody typing (ms)', scanIdleMs);
      line('workspace scan duration while typing (ms)', scanTypingMs, `ratio ${(median(scanTypingMs) / median(scanIdleMs)).toFixed(2)}x`);
    }
    const openP95 = duringOpen.map(p95);
    line(`while the 4.3 MB file opens in another tab (${openSamples} keystrokes)`, openP95, `ratio to idle ${(median(openP95) / median(idleP95)).toFixed(2)}x`);
    console.log(`${''.padEnd(58)} max ${fixed(Math.max(...duringOpen.flat()))}`);
  } finally {
    await client.stop(30_000);
    rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * Our default diagnostics delay (lsp/settings.ts) as the user gets it: keystroke → diagnostics in the
 * 500-line file, a pause after each keystroke, beside yaml-language-server's idle figure (its 200 ms
 * debounce included) from the typing figures above.
 */
async function defaultDelayFigures(): Promise<void> {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'rr-bench-delay-'));
  const small = manifestOfLines(500);
  writeFileSync(path.join(folder, 'small.yaml'), small);
  // No diagnosticsDelayMs: the server's default.
  const client = await start('ours', { rootPath: folder, initializationOptions: { diagnosticsDelayMs: undefined } });
  try {
    const uri = fileUri(path.join(folder, 'small.yaml'));
    const opened = client.waitForDiagnostics({ uri, timeoutMs: 60_000 });
    await client.open(uri, small);
    await opened;
    const flipper = new TagFlipper(uri, small, 'image: ghcr.io/acme/service-');
    await type(client, 'ours', flipper, { count: 5 });
    const rounds: number[][] = [];
    for (let round = 0; round < ROUNDS; round++) rounds.push(await type(client, 'ours', flipper, { count: 20 }));
    const ours = rounds.map(p95);
    console.log('\nkeystroke → diagnostics with each server\'s default delay, 500-line file (p95 per round, ms)');
    line('ours (default diagnostics delay)', ours);
    const peer = idleBy.get('yaml-language-server');
    if (peer) line('yaml-language-server (200 ms debounce)', peer, `ours / peer ${(median(ours) / median(peer)).toFixed(2)}x`);
  } finally {
    await client.stop(30_000);
    rmSync(folder, { recursive: true, force: true });
  }
}

// ---- 2. the big file ---------------------------------------------------------------------------------

interface BigFileRound {
  openMs: number;
  diagnostics: number;
  edits: number[];
  hovers: number[];
  cpuPerEditMs: number;
  rssMb: number;
  pullUnchanged?: number[];
}

/** Ours with every place of a problem marked (`maxRepeatedProblems: 0`): the set before the default cap of 20. */
type Marks = 'default' | 'all';

async function bigFileRound(server: Server, pull: boolean, marks: Marks = 'default'): Promise<BigFileRound> {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'rr-bench-big-'));
  const text = bigManifest();
  // The file is not on disk: no workspace scan, only the open document.
  const uri = fileUri(path.join(folder, 'big.yaml'));
  const client = await start(server, { rootPath: folder, pullDiagnostics: pull, ...(marks === 'all' ? { settings: { 'replicated-registries': { maxRepeatedProblems: 0 } } } : {}) });
  try {
    let resultId: string | undefined;
    let diagnostics = 0;
    const started = performance.now();
    if (pull) {
      await client.open(uri, text);
      const report = await client.pull(uri);
      if (report.kind !== 'full') throw new Error('first pull was not a full report');
      resultId = report.resultId;
      diagnostics = report.items.length;
    } else {
      const first = server === 'ours' ? client.waitForVersion(uri, 1, 120_000) : client.waitForDiagnostics({ uri, timeoutMs: 120_000 });
      await client.open(uri, text);
      diagnostics = (await first).length;
    }
    const openMs = performance.now() - started;

    const flipper = new TagFlipper(uri, text, 'image: ghcr.io/acme/svc-');
    const edits: number[] = [];
    const cpuBefore = processCpuMs(client.process.pid);
    const count = server === 'ours' ? BIG_EDITS : PEER_BIG_EDITS;
    for (let i = 0; i < count; i++) {
      if (pull) {
        const editStarted = performance.now();
        await flipper.flip(client);
        const report = await client.pull(uri, resultId);
        edits.push(performance.now() - editStarted);
        if (report.kind !== 'full') throw new Error('a pull after an edit that changes the diagnostics was not a full report');
        resultId = report.resultId;
      } else {
        edits.push(await timedEdit(client, server, flipper));
      }
    }
    const cpuPerEditMs = (processCpuMs(client.process.pid) - cpuBefore) / count;

    let pullUnchanged: number[] | undefined;
    if (pull) {
      pullUnchanged = [];
      for (let i = 0; i < 10; i++) {
        const pullStarted = performance.now();
        const report = await client.pull(uri, resultId);
        pullUnchanged.push(performance.now() - pullStarted);
        if (report.kind !== 'unchanged') throw new Error('a pull with nothing changed was not `unchanged`');
      }
    }

    const positions = imagePositions(text);
    const hovers: number[] = [];
    for (let i = 0; i < HOVERS; i++) {
      const position = positions[(i * 104_729) % positions.length] as Position;
      const hoverStarted = performance.now();
      const hover = await client.hover(uri, position);
      hovers.push(performance.now() - hoverStarted);
      if (server === 'ours' && !hover) throw new Error(`no hover at ${position.line}:${position.character}`);
    }
    return { openMs, diagnostics, edits, hovers, cpuPerEditMs, rssMb: peakRssMb(client.process.pid), ...(pullUnchanged ? { pullUnchanged } : {}) };
  } finally {
    await client.stop(30_000);
    rmSync(folder, { recursive: true, force: true });
  }
}

async function bigFileFigures(server: Server, pull: boolean, marks: Marks = 'default'): Promise<void> {
  const rounds: BigFileRound[] = [];
  const count = server === 'ours' ? ROUNDS : Math.min(ROUNDS, 2);
  for (let round = 0; round < count; round++) rounds.push(await bigFileRound(server, pull, marks));
  const title = server === 'ours' ? `ours, ${pull ? 'pull diagnostics (textDocument/diagnostic)' : 'push diagnostics'}${marks === 'all' ? ', every place of a problem marked (maxRepeatedProblems: 0)' : ''}` : 'yaml-language-server (push, 200 ms debounce)';
  console.log(`\n${title}: the 4.3 MB file, ${rounds[0]?.diagnostics ?? 0} diagnostics; ${rounds.length} rounds, a fresh server each (ms)`);
  const openMs = rounds.map((r) => r.openMs);
  line('cold open → first diagnostics', openMs, server === 'ours' ? `(target ≤ 500: ${median(openMs) <= 500 ? 'MET' : 'MISSED'})` : '');
  const editP50 = rounds.map((r) => percentile([...r.edits].sort((a, b) => a - b), 50));
  const editP95 = rounds.map((r) => p95(r.edits));
  line(`edit → diagnostics p50 (${rounds[0]?.edits.length ?? 0} edits a round)`, editP50);
  line('edit → diagnostics p95', editP95, server === 'ours' ? `(target ≤ 30: ${median(editP95) <= 30 ? 'MET' : 'MISSED'})` : '');
  if (server === 'yaml-language-server') line('edit → diagnostics p95 without its 200 ms debounce', editP95.map((v) => v - YAML_LS_DEBOUNCE_MS));
  if (rounds[0]?.pullUnchanged) line('pull with nothing changed (`unchanged`) p95', rounds.map((r) => p95(r.pullUnchanged ?? [])));
  const hoverP95 = rounds.map((r) => p95(r.hovers));
  line(`hover p95 (${HOVERS} image lines a round)`, hoverP95, server === 'ours' ? `(target ≤ 5: ${median(hoverP95) <= 5 ? 'MET' : 'MISSED'})` : '(no schema: answers null)');
  line('server CPU per edit', rounds.map((r) => r.cpuPerEditMs));
  line('server peak RSS (MB)', rounds.map((r) => r.rssMb));
}

async function main(): Promise<void> {
  const dist = path.join(root, 'dist', 'server.js');
  if (!process.env.REPLICATED_LSP_SERVER && existsSync(dist)) process.env.REPLICATED_LSP_SERVER = dist;
  console.log(`language server: ${process.env.REPLICATED_LSP_SERVER ?? 'fresh bundle'}; peer: yaml-language-server ${PEER_VERSION}; ${ROUNDS} rounds`);
  console.log(`load average: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} on ${os.cpus().length} CPU(s)`);
  const only = process.env.BENCH_ONLY;
  // BENCH_NO_PEER=1 leaves yaml-language-server out; BENCH_NO_PULL=1 the pull figures (for a build without them).
  const peer = process.env.BENCH_NO_PEER !== '1';
  if (!only || only === 'typing') {
    await typingFigures('ours');
    if (peer) await typingFigures('yaml-language-server');
    await defaultDelayFigures();
  }
  if (!only || only === 'big') {
    await bigFileFigures('ours', false);
    if (process.env.BENCH_NO_PULL !== '1') await bigFileFigures('ours', true);
    // The same file with the cap off: what the target's 11,000 diagnostics cost on every edit (BENCH_NO_CAP_OFF=1 skips).
    if (process.env.BENCH_NO_CAP_OFF !== '1') await bigFileFigures('ours', false, 'all');
    if (peer) await bigFileFigures('yaml-language-server', false);
  }
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
