/**
 * A Helm chart as the analysis reads it: its metadata (Chart.yaml), default values, templates and
 * subcharts, from a folder of the workspace or from a packaged `.tgz` (archive.ts) — the same model
 * for both, so every rule treats them alike. A chart file is named by a `key`: its absolute path, or
 * `<archive path>#<entry>` inside an archive (`fileOfKey` splits it back).
 */
import path from 'node:path';
import { documentTree } from '../manifests/findImages';
import { splitDocuments } from '../manifests/documents';
import { mapGet, scalarValue, type YNode } from '../yaml/yamlTree';
import { sourceOfKey, type Origin } from '../templates/values';
import { ArchiveError, ARCHIVE_LIMITS, readChartArchive } from './archive';

export interface ChartFile {
  /** Unique name: absolute path, or `<archive>#<entry>`. */
  key: string;
  text: string;
}

export interface ChartDependency {
  name: string;
  alias?: string;
  condition?: string;
  repository?: string;
}

export type ChartLocation = { kind: 'folder'; dir: string } | { kind: 'archive'; file: string; prefix: string };

export interface LoadedChart {
  name: string;
  version: string;
  appVersion?: string;
  appVersionOrigin?: Origin;
  type?: string;
  location: ChartLocation;
  chartYaml: ChartFile;
  values?: ChartFile;
  /** The chart's own files under `templates/` (yaml, yml, tpl). */
  templates: ChartFile[];
  dependencies: ChartDependency[];
  subcharts: LoadedChart[];
  /** Why part of it could not be read (an archive over a bound, a nested archive that is not one). */
  problems: string[];
}

/** The file and (inside an archive) entry a key names. */
export const fileOfKey = sourceOfKey;

/** How a chart file is shown in messages: `charts/acme-api-0.3.0.tgz (acme-api/values.yaml)` or its path. */
export function describeKey(key: string, relativeTo?: string): string {
  const { file, entry } = fileOfKey(key);
  const shown = relativeTo ? path.relative(relativeTo, file).split(path.sep).join('/') || file : file;
  return entry ? `${shown} (${entry})` : shown;
}

function chartMetadata(chartYaml: ChartFile): { name?: string; version?: string; appVersion?: string; appVersionOrigin?: Origin; type?: string; dependencies: ChartDependency[] } {
  const text = chartYaml.text;
  const range = splitDocuments(text)[0] ?? { start: 0, end: text.length };
  let root: YNode | null = null;
  try {
    root = documentTree(text, range, 'manifest').root;
  } catch {
    root = null;
  }
  const appVersionNode = mapGet(root, 'appVersion');
  const out: ReturnType<typeof chartMetadata> = { dependencies: [] };
  const name = scalarValue(mapGet(root, 'name'));
  const version = scalarValue(mapGet(root, 'version'));
  const type = scalarValue(mapGet(root, 'type'));
  if (name) out.name = name;
  if (version) out.version = version;
  if (type) out.type = type;
  if (appVersionNode && appVersionNode.type === 'scalar' && appVersionNode.style !== 'block' && appVersionNode.value !== '') {
    out.appVersion = appVersionNode.value;
    const { file, entry } = fileOfKey(chartYaml.key);
    out.appVersionOrigin = { file, start: appVersionNode.start, end: appVersionNode.end, label: '.Chart.AppVersion (Chart.yaml appVersion)', ...(entry ? { entry } : {}) };
  }
  const dependencies = mapGet(root, 'dependencies');
  if (dependencies && dependencies.type === 'seq') {
    for (const item of dependencies.items) {
      const depName = scalarValue(mapGet(item, 'name'));
      if (!depName) continue;
      const dependency: ChartDependency = { name: depName };
      const alias = scalarValue(mapGet(item, 'alias'));
      const condition = scalarValue(mapGet(item, 'condition'));
      const repository = scalarValue(mapGet(item, 'repository'));
      if (alias) dependency.alias = alias;
      if (condition) dependency.condition = condition;
      if (repository) dependency.repository = repository;
      out.dependencies.push(dependency);
    }
  }
  return out;
}

/** Whether a chart depends on the Replicated SDK (Helm CLI installs then get `enterprise-pull-secret`). */
export function usesReplicatedSdk(chart: LoadedChart): boolean {
  return chart.dependencies.some((dependency) => dependency.name === 'replicated' || (dependency.repository ?? '').includes('registry.replicated.com/library'));
}

/** The values key a subchart reads (`alias` or name). */
export function subchartValuesKey(parent: LoadedChart, subchart: LoadedChart): string {
  return parent.dependencies.find((dependency) => dependency.name === subchart.name && dependency.alias)?.alias ?? subchart.name;
}

// ---- From a folder ---------------------------------------------------------------------------------

export interface FolderReader {
  /** Files under `dir` (absolute paths), any depth. */
  filesUnder(dir: string): string[];
  readText(file: string): Promise<string | undefined>;
  readBytes(file: string): Promise<Uint8Array | undefined>;
}

const TEMPLATE_FILE = /\.(ya?ml|tpl|txt)$/i;

/** A chart from its Chart.yaml, before its values, templates and subcharts are read (folder or archive alike). */
function emptyChart(chartYaml: ChartFile, fallbackName: string, location: LoadedChart['location']): LoadedChart {
  const meta = chartMetadata(chartYaml);
  const chart: LoadedChart = { name: meta.name ?? fallbackName, version: meta.version ?? '', location, chartYaml, templates: [], dependencies: meta.dependencies, subcharts: [], problems: [] };
  if (meta.appVersion !== undefined) chart.appVersion = meta.appVersion;
  if (meta.appVersionOrigin) chart.appVersionOrigin = meta.appVersionOrigin;
  if (meta.type) chart.type = meta.type;
  return chart;
}

/** A chart folder (the one holding Chart.yaml), with its subcharts. */
export async function loadChartFolder(dir: string, reader: FolderReader, depth = 0): Promise<LoadedChart | undefined> {
  const chartYamlPath = path.join(dir, 'Chart.yaml');
  const chartYamlText = await reader.readText(chartYamlPath);
  if (chartYamlText === undefined) return undefined;
  const chartYaml: ChartFile = { key: chartYamlPath, text: chartYamlText };
  const chart = emptyChart(chartYaml, path.basename(dir), { kind: 'folder', dir });
  const valuesPath = path.join(dir, 'values.yaml');
  const valuesText = await reader.readText(valuesPath);
  if (valuesText !== undefined) chart.values = { key: valuesPath, text: valuesText };
  const templatesDir = path.join(dir, 'templates') + path.sep;
  const chartsDir = path.join(dir, 'charts') + path.sep;
  const subchartDirs = new Set<string>();
  for (const file of reader.filesUnder(dir)) {
    if (file.startsWith(templatesDir) && TEMPLATE_FILE.test(file)) {
      const text = await reader.readText(file);
      if (text !== undefined) chart.templates.push({ key: file, text });
    } else if (file.startsWith(chartsDir) && depth < ARCHIVE_LIMITS.nesting) {
      const rest = file.slice(chartsDir.length).split(path.sep);
      if (rest.length === 1 && /\.tgz$/i.test(file)) {
        const bytes = await readBytesOrProblem(reader, file, chart.problems);
        if (bytes) chart.subcharts.push(...(await loadArchiveCharts(bytes, file, depth + 1, chart.problems)));
      } else if (rest.length > 1) {
        subchartDirs.add(path.join(chartsDir, rest[0] as string));
      }
    }
  }
  for (const subdir of [...subchartDirs].sort()) {
    const subchart = await loadChartFolder(subdir, reader, depth + 1);
    if (subchart) chart.subcharts.push(subchart);
  }
  chart.templates.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return chart;
}

/** An archive's bytes, or undefined with the reason in `problems` (too large, unreadable). */
export async function readBytesOrProblem(reader: Pick<FolderReader, 'readBytes'>, file: string, problems: string[]): Promise<Uint8Array | undefined> {
  try {
    return await reader.readBytes(file);
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
    return undefined;
  }
}

// ---- From an archive -------------------------------------------------------------------------------

/**
 * The chart(s) a `.tgz` holds (normally one top folder). Problems (bounds, bad entries) are pushed to
 * `problems`; an archive that cannot be read at all yields no chart.
 */
export async function loadArchiveCharts(bytes: Uint8Array, archive: string, depth: number, problems: string[]): Promise<LoadedChart[]> {
  let entries;
  try {
    entries = await readChartArchive(bytes, archive);
  } catch (error) {
    problems.push(error instanceof ArchiveError ? error.message : `${archive} could not be read: ${String(error)}`);
    return [];
  }
  if (entries.skipped.length > 0) problems.push(`${archive}: entries not read (unsafe names, links or too large): ${entries.skipped.slice(0, 5).join(', ')}${entries.skipped.length > 5 ? ', ...' : ''}`);
  const tops = new Set<string>();
  for (const entry of entries.files.keys()) if (entry.endsWith('/Chart.yaml') && entry.split('/').length === 2) tops.add(entry.split('/')[0] as string);
  const charts: LoadedChart[] = [];
  for (const top of [...tops].sort()) {
    const chart = await chartFromEntries(entries.files, `${top}/`, archive, depth, problems);
    if (chart) charts.push(chart);
  }
  if (charts.length === 0 && problems.length === 0) problems.push(`${archive} holds no <chart>/Chart.yaml: it is not a packaged Helm chart`);
  return charts;
}

async function chartFromEntries(files: Map<string, string | Uint8Array>, prefix: string, archive: string, depth: number, problems: string[]): Promise<LoadedChart | undefined> {
  const key = (entry: string): string => `${archive}#${entry}`;
  const chartYamlText = files.get(`${prefix}Chart.yaml`);
  if (typeof chartYamlText !== 'string') return undefined;
  const chartYaml: ChartFile = { key: key(`${prefix}Chart.yaml`), text: chartYamlText };
  const chart = emptyChart(chartYaml, prefix.replace(/\/$/, '').split('/').pop() ?? '', { kind: 'archive', file: archive, prefix });
  const values = files.get(`${prefix}values.yaml`);
  if (typeof values === 'string') chart.values = { key: key(`${prefix}values.yaml`), text: values };
  const subchartPrefixes = new Set<string>();
  for (const [entry, content] of files) {
    if (!entry.startsWith(prefix)) continue;
    const rest = entry.slice(prefix.length).split('/');
    if (rest[0] === 'templates' && typeof content === 'string') chart.templates.push({ key: key(entry), text: content });
    else if (rest[0] === 'charts' && rest.length === 2 && content instanceof Uint8Array && depth < ARCHIVE_LIMITS.nesting) {
      chart.subcharts.push(...(await loadArchiveCharts(content, `${archive}#${entry}`, depth + 1, problems)));
    } else if (rest[0] === 'charts' && rest.length > 2) subchartPrefixes.add(`${prefix}charts/${rest[1] as string}/`);
  }
  for (const subprefix of [...subchartPrefixes].sort()) {
    const subchart = await chartFromEntries(files, subprefix, archive, depth + 1, problems);
    if (subchart) chart.subcharts.push(subchart);
  }
  chart.templates.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return chart;
}
