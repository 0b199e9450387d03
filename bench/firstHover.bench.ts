/**
 * Time to the first hover as a manifest grows (issue 12): with a registries file and N image lines
 * (N = 10k, 20k, 40k, 100k; Pods of 10 containers, every image on the connected registry), open the
 * file, wait for its first diagnostics, hover an image, and time from the open to the hover's answer.
 * Remote checks are allowed but need no network: this machine has no credentials for the registry, so
 * every image gets a `credentials-missing` finding from the pull rules, placed on its reference like any
 * remote finding — the step that used to be quadratic. Also the time until those findings are published.
 * Beside it, yaml-language-server on the same files (its hover answers null without a schema).
 * Growth: each figure divided by the 10k one, beside N / 10k (linear growth keeps them about equal).
 * Sizes: BENCH_HOVER_SIZES (default 10000,20000,40000,100000); server: REPLICATED_LSP_SERVER (its Node flags:
 * the extension's, or REPLICATED_LSP_NODE_FLAGS).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileUri, LspTestClient } from '../test/lsp/lspTestClient';
import { fixed } from './workloads';

const SIZES = (process.env.BENCH_HOVER_SIZES ?? '10000,20000,40000,100000').split(',').map(Number);
const TIMEOUT_MS = Number(process.env.BENCH_HOVER_TIMEOUT_MS ?? 240_000);
const root = path.resolve(__dirname, '..');
const yamlLanguageServer = path.join(root, 'node_modules/yaml-language-server/bin/yaml-language-server');

const REGISTRIES = `app: acme
registries:
  - slug: acme-ghcr
    provider: ghcr
    endpoint: ghcr.io
    authType: token
    username: acme-bot
`;

/** Pods of 10 containers until there are `imageLines` image lines (distinct references). */
function podsWithImages(imageLines: number): string {
  const parts: string[] = [];
  for (let pod = 0; pod * 10 < imageLines; pod++) {
    let doc = `---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: pod-${pod}\nspec:\n  containers:\n`;
    for (let c = 0; c < 10 && pod * 10 + c < imageLines; c++) doc += `    - name: c${c}\n      image: ghcr.io/acme/app-${pod}:1.0.${c}\n`;
    parts.push(doc);
  }
  return parts.join('');
}

interface Figures {
  firstDiagnosticsMs: number;
  firstHoverMs: number;
  remoteMs: number;
}

async function measure(server: 'ours' | 'yaml-language-server', imageLines: number): Promise<Figures | undefined> {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'rr-bench-hover-'));
  const dockerConfig = path.join(folder, '.docker-empty');
  mkdirSync(dockerConfig);
  writeFileSync(path.join(folder, '.replicated-registries.yaml'), REGISTRIES);
  const text = podsWithImages(imageLines);
  const uri = fileUri(path.join(folder, 'pods.yaml'));
  // No credentials anywhere: not in a Docker config, not in the environment.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('REPLICATED_REGISTRIES_')));
  const client = await LspTestClient.start({
    rootPath: folder,
    env: { ...env, DOCKER_CONFIG: dockerConfig },
    ...(server === 'ours'
      ? { initializationOptions: { offline: false, trusted: true } }
      : { command: { file: process.execPath, args: [yamlLanguageServer, '--stdio'] }, settings: { yaml: { validate: true, hover: true, schemaStore: { enable: false } }, '[yaml]': {}, http: {}, editor: {} } }),
  });
  try {
    const started = performance.now();
    const remote = server === 'ours' ? client.waitForDiagnostics({ uri, until: (d) => d.some((x) => x.code === 'credentials-missing'), timeoutMs: TIMEOUT_MS }) : undefined;
    remote?.catch(() => undefined);
    const first = client.waitForDiagnostics({ uri, timeoutMs: TIMEOUT_MS });
    await client.open(uri, text);
    await first;
    const firstDiagnosticsMs = performance.now() - started;
    // The last Pod's first image.
    const lines = text.split('\n');
    const line = lines.lastIndexOf('    - name: c0') + 1;
    // The deadline's timer is cleared once the hover answers: left running, the last one kept the benchmark's process alive for TIMEOUT_MS after its output.
    let deadline: NodeJS.Timeout | undefined;
    const hover = await Promise.race([client.hover(uri, { line, character: 20 }), new Promise<'timeout'>((resolve) => (deadline = setTimeout(() => resolve('timeout'), TIMEOUT_MS)))]);
    clearTimeout(deadline);
    if (hover === 'timeout') return undefined;
    const firstHoverMs = performance.now() - started;
    if (server === 'ours' && !hover) throw new Error('no hover on an image');
    let remoteMs = NaN;
    if (remote) {
      await remote;
      remoteMs = performance.now() - started;
    }
    return { firstDiagnosticsMs, firstHoverMs, remoteMs };
  } finally {
    await client.stop(5_000);
    rmSync(folder, { recursive: true, force: true });
  }
}

function report(server: string, rows: Array<[number, Figures | undefined]>): void {
  const base = rows[0]?.[1];
  const growth = (value: number, baseValue: number | undefined): string => (baseValue ? `${(value / baseValue).toFixed(1)}x`.padStart(7) : '    n/a');
  console.log(`\n${server}`);
  console.log('image lines  first diagnostics (growth)  first hover (growth)  remote findings (growth)  lines (growth)');
  for (const [lines, f] of rows) {
    if (!f) {
      console.log(`${String(lines).padStart(11)}  no hover within ${TIMEOUT_MS / 1000} s`);
      continue;
    }
    console.log(
      `${String(lines).padStart(11)}  ${fixed(f.firstDiagnosticsMs, 0, 10)} ms ${growth(f.firstDiagnosticsMs, base?.firstDiagnosticsMs)}  ${fixed(f.firstHoverMs, 0, 10)} ms ${growth(f.firstHoverMs, base?.firstHoverMs)}  ${fixed(f.remoteMs, 0, 14)} ms ${growth(f.remoteMs, base?.remoteMs)}  ${growth(lines, rows[0]?.[0])}`,
    );
  }
}

async function main(): Promise<void> {
  const dist = path.join(root, 'dist', 'server.js');
  if (!process.env.REPLICATED_LSP_SERVER && existsSync(dist)) process.env.REPLICATED_LSP_SERVER = dist;
  console.log(`language server: ${process.env.REPLICATED_LSP_SERVER ?? 'fresh bundle'}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} on ${os.cpus().length} CPU(s)`);
  const ours: Array<[number, Figures | undefined]> = [];
  for (const size of SIZES) ours.push([size, await measure('ours', size)]);
  report('ours (registries file, remote checks on, no credentials)', ours);
  const last = ours[ours.length - 1];
  const first = ours[0];
  if (first?.[1] && last?.[1] && last !== first) {
    const ratio = last[1].firstHoverMs / first[1].firstHoverMs / (last[0] / first[0]);
    console.log(`first hover: growth ${ratio.toFixed(2)}x of linear from ${first[0]} to ${last[0]} lines (target: linear, about 1x or less)`);
  }
  if (process.env.BENCH_NO_PEER !== '1') {
    const peer: Array<[number, Figures | undefined]> = [];
    for (const size of SIZES) peer.push([size, await measure('yaml-language-server', size)]);
    report('yaml-language-server (no schema)', peer);
  }
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
