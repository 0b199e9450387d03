/**
 * The KOTS custom resources that decide how a customer pulls images, read from a release's YAML with
 * their source positions:
 *  - `kots.io/v1beta2` HelmChart (docs/reference/custom-resource-helmchart-v2.mdx): `chart.name`,
 *    `chartVersion`, `values`, `optionalValues[].when/recursiveMerge/values`, `builder`, `exclude`;
 *  - `kots.io/v1beta1` HelmChart (docs/reference/custom-resource-helmchart.mdx): the same keys, and KOTS
 *    rewrites its images itself (docs/vendor/private-images-kots.mdx, "HelmChart v1 or standard manifests");
 *  - `kots.io/v1beta1` Config items' `default`/`value` (docs/reference/custom-resource-config.mdx);
 *  - `kots.io/v1beta1` Application `additionalImages`, `excludedImages`, `proxyPublicImages`
 *    (docs/reference/custom-resource-application.mdx).
 * (Paths are in replicatedhq/replicated-docs @3187d2d.)
 */
import type { DocumentRange } from '../findings/types';
import { splitDocuments } from '../manifests/documents';
import { documentTree } from '../manifests/findImages';
import { mapGet, scalarValue, type YMap, type YNode, type YScalar } from '../yaml/yamlTree';
import type { ConfigItem } from '../templates/kots';

export interface OptionalValues {
  when?: YScalar;
  recursiveMerge: boolean;
  values: YNode | null;
}

export interface HelmChartResource {
  file: string;
  /** The file's text (for edits the quick fixes make). */
  text: string;
  document: DocumentRange;
  apiVersion: 'kots.io/v1beta1' | 'kots.io/v1beta2';
  /** metadata.name */
  name: string;
  chartName: string;
  chartVersion: string;
  /** The `chart.name` scalar (findings about the chart as a whole sit here). */
  chartNameNode?: YScalar;
  values: YNode | null;
  optionalValues: OptionalValues[];
  builder: YNode | null;
  /** Non-empty `builder` values (a sign the app ships air gap bundles). */
  hasBuilder: boolean;
  exclude?: YScalar;
  /** The whole spec map (for edits). */
  spec?: YMap;
}

export interface ApplicationResource {
  file: string;
  proxyPublicImages: boolean;
}

export interface KotsDocuments {
  helmCharts: HelmChartResource[];
  configItems: ConfigItem[];
  applications: ApplicationResource[];
  /** The text uses KOTS air gap functions (HasLocalRegistry, LocalRegistry*, LocalImageName). */
  usesLocalRegistryFunctions: boolean;
}

const KOTS_KIND = /kots\.io\//;
const LOCAL_REGISTRY_FUNCTION = /\b(HasLocalRegistry|LocalRegistryHost|LocalRegistryNamespace|LocalRegistryAddress|LocalImageName)\b/;

/** Whether a text may hold a KOTS kind (cheap pre-check before parsing). */
export function mayHoldKotsKinds(text: string): boolean {
  return KOTS_KIND.test(text);
}

/** The KOTS resources of one YAML file. */
export function readKotsDocuments(text: string, file: string): KotsDocuments {
  const out: KotsDocuments = { helmCharts: [], configItems: [], applications: [], usesLocalRegistryFunctions: LOCAL_REGISTRY_FUNCTION.test(text) };
  if (!mayHoldKotsKinds(text)) return out;
  for (const range of splitDocuments(text)) {
    let root: YNode | null;
    try {
      root = documentTree(text, range, 'manifest').root;
    } catch {
      continue;
    }
    const apiVersion = scalarValue(mapGet(root, 'apiVersion')) ?? '';
    const kind = scalarValue(mapGet(root, 'kind')) ?? '';
    if (!apiVersion.startsWith('kots.io/')) continue;
    const spec = mapGet(root, 'spec');
    if (kind === 'HelmChart' && (apiVersion === 'kots.io/v1beta1' || apiVersion === 'kots.io/v1beta2')) {
      out.helmCharts.push(helmChart(root, spec, apiVersion, file, text, range));
    } else if (kind === 'Config') {
      out.configItems.push(...configItems(spec, file));
    } else if (kind === 'Application') {
      out.applications.push({ file, proxyPublicImages: scalarValue(mapGet(spec, 'proxyPublicImages')) === 'true' });
    }
  }
  return out;
}

function helmChart(root: YNode | null, spec: YNode | null | undefined, apiVersion: HelmChartResource['apiVersion'], file: string, text: string, document: DocumentRange): HelmChartResource {
  const chart = mapGet(spec, 'chart');
  const chartNameNode = mapGet(chart, 'name');
  const optional = mapGet(spec, 'optionalValues');
  const resource: HelmChartResource = {
    file,
    text,
    document,
    apiVersion,
    name: scalarValue(mapGet(mapGet(root, 'metadata'), 'name')) ?? '',
    chartName: scalarValue(chartNameNode) ?? '',
    chartVersion: scalarValue(mapGet(chart, 'chartVersion')) ?? '',
    values: mapGet(spec, 'values') ?? null,
    optionalValues: [],
    builder: mapGet(spec, 'builder') ?? null,
    // `builder: {}` says nothing: only builder values that set something are a sign of air gap support.
    hasBuilder: (() => {
      const builder = mapGet(spec, 'builder');
      return builder !== undefined && builder !== null && (builder.type !== 'map' || builder.keys.length > 0);
    })(),
  };
  if (chartNameNode && chartNameNode.type === 'scalar') resource.chartNameNode = chartNameNode;
  if (spec && spec.type === 'map') resource.spec = spec;
  const exclude = mapGet(spec, 'exclude');
  if (exclude && exclude.type === 'scalar') resource.exclude = exclude;
  if (optional && optional.type === 'seq') {
    for (const entry of optional.items) {
      const when = mapGet(entry, 'when');
      const item: OptionalValues = { recursiveMerge: scalarValue(mapGet(entry, 'recursiveMerge')) === 'true', values: mapGet(entry, 'values') ?? null };
      if (when && when.type === 'scalar') item.when = when;
      resource.optionalValues.push(item);
    }
  }
  return resource;
}

function configItems(spec: YNode | null | undefined, file: string): ConfigItem[] {
  const items: ConfigItem[] = [];
  const groups = mapGet(spec, 'groups');
  if (!groups || groups.type !== 'seq') return items;
  const visit = (list: YNode | null | undefined): void => {
    if (!list || list.type !== 'seq') return;
    for (const item of list.items) {
      const name = scalarValue(mapGet(item, 'name'));
      if (!name) continue;
      const valueNode = mapGet(item, 'value');
      const defaultNode = mapGet(item, 'default');
      const config: ConfigItem = { name };
      const value = scalarValue(valueNode);
      const fallback = scalarValue(defaultNode);
      if (value !== undefined) config.value = value;
      if (fallback !== undefined) config.default = fallback;
      const shown = value !== undefined ? valueNode : defaultNode;
      if (shown && shown.type === 'scalar') config.origin = { file, start: shown.start, end: shown.end, label: `Config item ${name} ${value !== undefined ? 'value' : 'default'}` };
      items.push(config);
      visit(mapGet(item, 'items'));
    }
  };
  for (const group of groups.items) visit(mapGet(group, 'items'));
  return items;
}
