/**
 * The release: everything in a folder that decides how a customer's cluster pulls the images — the
 * KOTS HelmCharts and the chart each names (a chart folder, or a packaged `.tgz` read in place), the
 * Config items KOTS templates read, the Application, and the install modes the app supports.
 *
 * A HelmChart's chart is the one whose Chart.yaml has `name` = `chart.name` and `version` =
 * `chartVersion` (docs/reference/custom-resource-helmchart-v2.mdx: "must exactly match the name field
 * from a Chart.yaml in a .tgz chart archive that is also included in the release"); an archive wins over
 * a folder of the same name and version, since the archive is what KOTS installs.
 */
import path from 'node:path';
import { loadArchiveCharts, loadChartFolder, readBytesOrProblem, usesReplicatedSdk, type FolderReader, type LoadedChart } from '../charts/chart';
import type { AnalysisEnvironment } from '../findings/types';
import type { RegistriesConfig } from '../store/types';
import type { ConfigItem, InstallMode } from '../templates/kots';
import { readKotsDocuments, type HelmChartResource } from './kotsKinds';

/** Where a release's files come from (the file system for `lint`, open documents first in the server). */
export interface ReleaseFiles {
  root: string;
  /** The release's YAML, template (`.tpl`) and chart archive (`.tgz`) files: absolute paths. */
  list(): Promise<string[]>;
  readText(file: string): Promise<string | undefined>;
  readBytes(file: string): Promise<Uint8Array | undefined>;
}

export interface ReleaseHelmChart extends HelmChartResource {
  /** The chart it names, when the release has it. */
  chart?: LoadedChart;
  /** Why no chart was matched (for hovers and `images`). */
  chartProblem?: string;
}

/** The environment of an analysis that reads the release a file belongs to. */
export type ReleaseEnvironment = AnalysisEnvironment<Release>;

export interface Release {
  root: string;
  helmCharts: ReleaseHelmChart[];
  configItems: Map<string, ConfigItem>;
  proxyPublicImages: boolean;
  /** Top-level charts: folders holding Chart.yaml (not inside another chart's charts/) and archives. */
  charts: LoadedChart[];
  /** The install modes images are checked in (registries file `installModes`, else inferred). */
  modes: InstallMode[];
  /** Whether the modes were inferred (the hover says why). */
  modesInferred: boolean;
  /** Why each mode is checked (`installModes` in the registries file, or what in the release shows it). */
  modeReasons: Partial<Record<InstallMode, string>>;
  /** Files that could not be read as charts, with the reason. */
  problems: Array<{ file: string; message: string }>;
}

/** The folder chart holding `dir` (its Chart.yaml folder), or undefined. */
export function chartAt(release: Release, dir: string): LoadedChart | undefined {
  const visit = (charts: LoadedChart[]): LoadedChart | undefined => {
    for (const chart of charts) {
      if (chart.location.kind === 'folder' && chart.location.dir === dir) return chart;
      const inner = visit(chart.subcharts);
      if (inner) return inner;
    }
    return undefined;
  };
  return visit(release.charts);
}

/** The HelmCharts that install `chart`. */
export function helmChartsOf(release: Release, chart: LoadedChart): ReleaseHelmChart[] {
  return release.helmCharts.filter((helmChart) => helmChart.chart === chart);
}

/** Whether Helm CLI installs apply to `chart` (registries file says so, or it depends on the Replicated SDK). */
export function installedWithHelmCli(release: Release, chart: LoadedChart): boolean {
  return release.modes.includes('helm') && (!release.modesInferred || usesReplicatedSdk(chart));
}

export async function loadRelease(files: ReleaseFiles, config: Pick<RegistriesConfig, 'installModes'>): Promise<Release> {
  const all = await files.list();
  const helmCharts: ReleaseHelmChart[] = [];
  const configItems = new Map<string, ConfigItem>();
  let proxyPublicImages = false;
  let usesLocalRegistry: string | undefined;
  const problems: Release['problems'] = [];

  const chartDirs = all.filter((file) => path.basename(file) === 'Chart.yaml').map((file) => path.dirname(file));
  const insideChart = (file: string): boolean => chartDirs.some((dir) => file.startsWith(dir + path.sep));
  // A chart folder inside another chart's charts/ is a subchart, loaded with its parent.
  const topDirs = chartDirs.filter((dir) => !chartDirs.some((other) => other !== dir && dir.startsWith(path.join(other, 'charts') + path.sep))).sort();

  for (const file of all) {
    if (!/\.ya?ml$/i.test(file) || insideChart(file)) continue;
    const text = await files.readText(file);
    if (text === undefined) continue;
    const documents = readKotsDocuments(text, file);
    helmCharts.push(...documents.helmCharts);
    for (const item of documents.configItems) configItems.set(item.name, item);
    if (documents.applications.some((application) => application.proxyPublicImages)) proxyPublicImages = true;
    if (documents.usesLocalRegistryFunctions) usesLocalRegistry ??= file;
  }

  const sorted = [...all].sort();
  const reader: FolderReader = {
    filesUnder: (dir) => sorted.filter((file) => file.startsWith(dir + path.sep)),
    readText: (file) => files.readText(file),
    readBytes: (file) => files.readBytes(file),
  };
  const charts: LoadedChart[] = [];
  for (const dir of topDirs) {
    const chart = await loadChartFolder(dir, reader);
    if (chart) charts.push(chart);
  }
  for (const file of sorted) {
    if (!/\.tgz$/i.test(file) || insideChart(file)) continue;
    const chartProblems: string[] = [];
    const bytes = await readBytesOrProblem(files, file, chartProblems);
    if (bytes) charts.push(...(await loadArchiveCharts(bytes, file, 0, chartProblems)));
    for (const message of chartProblems) problems.push({ file, message });
  }
  for (const chart of charts) for (const message of chart.problems) problems.push({ file: chart.location.kind === 'folder' ? chart.location.dir : chart.location.file, message });

  for (const helmChart of helmCharts) {
    const named = charts.filter((chart) => chart.name === helmChart.chartName);
    const exact = named.filter((chart) => helmChart.chartVersion === '' || chart.version === helmChart.chartVersion);
    const chosen = exact.find((chart) => chart.location.kind === 'archive') ?? exact[0];
    if (chosen) helmChart.chart = chosen;
    else if (named.length > 0) helmChart.chartProblem = `no chart ${helmChart.chartName} ${helmChart.chartVersion} in the release (found version${named.length === 1 ? '' : 's'} ${named.map((chart) => chart.version).join(', ')}); KOTS needs chartVersion to match Chart.yaml exactly`;
    else helmChart.chartProblem = `no chart named ${helmChart.chartName || '(empty chart.name)'} in the release (neither a folder with Chart.yaml nor a packaged .tgz)`;
  }

  let modes: InstallMode[];
  const modeReasons: Release['modeReasons'] = {};
  const inferred = !config.installModes || config.installModes.length === 0;
  const shown = (file: string): string => path.relative(files.root, file).split(path.sep).join('/') || file;
  if (!inferred) {
    modes = [...(config.installModes as InstallMode[])];
    for (const mode of modes) modeReasons[mode] = 'installModes in .replicated-registries.yaml';
  } else {
    modes = ['online'];
    modeReasons.online = 'every KOTS / Embedded Cluster install';
    const builder = helmCharts.find((helmChart) => helmChart.hasBuilder);
    if (builder || usesLocalRegistry) {
      modes.push('airgap');
      modeReasons.airgap = builder ? `the HelmChart ${builder.name || builder.chartName} has builder values (${shown(builder.file)})` : `${shown(usesLocalRegistry as string)} uses the local-registry template functions`;
    }
    const sdk = charts.find(usesReplicatedSdk);
    if (sdk) {
      modes.push('helm');
      modeReasons.helm = `the chart ${sdk.name} depends on the Replicated SDK`;
    }
  }
  return { root: files.root, helmCharts, configItems, proxyPublicImages, charts, modes, modesInferred: inferred, modeReasons, problems };
}
