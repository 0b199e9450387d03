/**
 * `replicated-registries images [PATH...] [--mode online|airgap|helm] [-o table|json]`: every image the
 * release pulls in each install mode, the reference the customer's cluster pulls (through the proxy,
 * from the local registry, or directly), where it comes from, and the customer-pull findings about it
 * (in air gap mode, `airgap-missing` for what the bundle will not have). Exit 1 when a finding is an error.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { AnalysisEnvironment } from '../../findings/types';
import { listImages, manifestImagesOf, type ImageListEntry } from '../../analysis/imageList';
import { loadRelease } from '../../release/release';
import { fileSystemRelease } from '../../release/releaseFiles';
import { INSTALL_MODES, type InstallMode } from '../../templates/kots';
import { formatFlagHelp, parseFlags, type FlagSpecs } from '../flags';
import { ExitCode, UsageError, type CliIO } from '../io';
import { raiseRunFlags } from '../v8Flags';
import { loadConfig, releaseRoot, toResults, writePrettyJson } from './lint';

const FLAGS = {
  mode: { type: 'string', choices: INSTALL_MODES, valueName: 'online|airgap|helm', description: 'list one install mode (default: every mode the release supports)' },
  output: { type: 'string', short: 'o', choices: ['table', 'json'], description: 'output format: table (default) or json' },
  config: { type: 'string', valueName: 'PATH', description: 'the registries file (default: .replicated-registries.yaml in the folder of the first PATH or the nearest parent)' },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
} as const satisfies FlagSpecs;

const HELP = `Usage: replicated-registries images [PATH] [flags]

Lists every image the release in PATH (default: the current folder; the release is the registries
file's folder) pulls in each install mode — online, air gap (a local registry), Helm CLI — with the
reference the customer's cluster pulls, how (through the Replicated proxy, from the local registry,
from the Replicated registry, or directly), where it comes from (file:line, the HelmChart and the
value), and the customer-pull findings about it. KOTS rewrites manifests and HelmChart v1beta1 images
itself; HelmChart v1beta2 charts pull what their values say, per mode (optionalValues, builder).
The modes come from installModes in the registries file, else from the release.

Flags:
${formatFlagHelp(FLAGS)}

Exit codes: 0 no error finding, 1 an error finding (not-proxied, airgap-missing, pull-secret-missing...),
2 usage or configuration error.
`;

interface JsonImage {
  mode: InstallMode;
  reference: string | null;
  pulled: string | null;
  via: ImageListEntry['via'];
  path: ImageListEntry['path'];
  rewrittenByKots?: boolean;
  inBundle?: boolean;
  note?: string;
  source: { file: string; line: number; column: number; entry?: string };
  helmChart?: string;
  value?: string;
  assumptions: Array<{ condition: string; taken: string }>;
  unevaluated: string[];
  findings: Array<{ code: string; severity: string; message: string }>;
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { flags, positionals } = parseFlags(argv, FLAGS, 'images');
  if (flags.help) {
    io.stdout.write(HELP);
    return ExitCode.ok;
  }
  if (positionals.length > 1) throw new UsageError('images takes one PATH: the folder of the release');
  raiseRunFlags();
  const target = path.resolve(io.cwd, positionals[0] ?? '.');
  if (!(await stat(target).catch(() => undefined))) throw new UsageError(`${positionals[0] ?? '.'} does not exist; pass the folder of the release`);
  const { config, file } = loadConfig(flags.config === undefined ? {} : { config: flags.config }, target, io);
  const root = releaseRoot(file, target);
  const files = fileSystemRelease(root);
  const release = await loadRelease(files, config);
  for (const problem of release.problems) io.stderr.write(`replicated-registries images: ${problem.message}\n`);
  const env: AnalysisEnvironment = { config, offline: true, credentialsFor: () => Promise.resolve({}) };
  const modes = flags.mode ? [flags.mode as InstallMode] : release.modes;
  const entries = listImages(release, env, await manifestImagesOf(files, release, env), modes);
  const texts = new Map<string, string>();
  const textOf = async (filePath: string): Promise<string> => {
    let text = texts.get(filePath);
    if (text === undefined) {
      text = (await files.readText(filePath)) ?? '';
      texts.set(filePath, text);
    }
    return text;
  };
  const rows: JsonImage[] = [];
  for (const entry of entries) {
    const where = entry.source.entry === undefined ? entry.source : entry.location;
    const [position] = toResults([{ code: 'not-proxied', severity: 'info', message: '', start: where.start, end: where.end, reference: '' }], await textOf(where.file), relative(io.cwd, where.file));
    const row: JsonImage = {
      mode: entry.mode,
      reference: entry.reference ?? null,
      pulled: entry.pulled ?? null,
      via: entry.via,
      path: entry.path,
      source: { file: position?.file ?? relative(io.cwd, where.file), line: position?.line ?? 1, column: position?.column ?? 1, ...(entry.source.entry !== undefined ? { entry: `${relative(io.cwd, entry.source.file)} (${entry.source.entry})` } : {}) },
      assumptions: entry.assumptions,
      unevaluated: entry.unevaluated,
      findings: entry.findings.map((finding) => ({ code: finding.code, severity: finding.severity, message: finding.message })),
    };
    if (entry.rewrittenByKots) row.rewrittenByKots = true;
    if (entry.inBundle !== undefined) row.inBundle = entry.inBundle;
    if (entry.note) row.note = entry.note;
    if (entry.helmChart) row.helmChart = `${entry.helmChart.name} (${relative(io.cwd, entry.helmChart.file)})`;
    if (entry.value) row.value = entry.value;
    rows.push(row);
  }
  if (flags.output === 'json') writePrettyJson(io.stdout, rows);
  else io.stdout.write(table(rows, modes, release.modesInferred ? release.modeReasons : undefined));
  return rows.some((row) => row.findings.some((finding) => finding.severity === 'error')) ? ExitCode.failed : ExitCode.ok;
}

function relative(cwd: string, file: string): string {
  return path.relative(cwd, file).split(path.sep).join('/') || path.basename(file);
}

const VIA_WORDS: Record<ImageListEntry['via'], string> = { proxy: 'proxy', 'replicated-registry': 'replicated registry', 'local-registry': 'local registry', direct: 'direct', unknown: '?' };
const MODE_WORDS: Record<InstallMode, string> = { online: 'online', airgap: 'air gap', helm: 'Helm CLI' };

function table(rows: JsonImage[], modes: readonly InstallMode[], reasons: Partial<Record<InstallMode, string>> | undefined): string {
  const lines: string[] = [];
  for (const mode of modes) {
    const inMode = rows.filter((row) => row.mode === mode);
    lines.push(`${MODE_WORDS[mode]}${reasons?.[mode] ? ` (${reasons[mode]})` : ''}: ${inMode.length} image${inMode.length === 1 ? '' : 's'}`);
    for (const row of inMode) {
      const pulled = row.pulled ?? `(not evaluated: ${row.unevaluated.join('; ')})`;
      const extra = [row.rewrittenByKots ? 'rewritten by KOTS' : '', row.note ?? '', row.inBundle === false ? 'NOT in the air gap bundle' : '', row.helmChart ? `HelmChart ${row.helmChart}` : '', row.value ?? ''].filter((part) => part !== '').join(', ');
      lines.push(`  ${pulled.replace(/^local-registry\.invalid\//, '<local registry>/')}  [${VIA_WORDS[row.via]}]  ${row.source.entry ?? `${row.source.file}:${row.source.line}`}${extra ? `  (${extra})` : ''}`);
      for (const assumption of row.assumptions) lines.push(`      assuming ${assumption.condition} is ${assumption.taken}`);
      for (const finding of row.findings) lines.push(`      ${finding.severity} ${finding.code}: ${finding.message}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
