/**
 * The values a chart is installed with, per install mode (replicated-docs @3187d2d):
 *  - KOTS (online, air gap): the chart's values.yaml, overlaid with the HelmChart's `values`, then each
 *    `optionalValues` entry whose `when` renders true — its top-level keys replace the values' own, or
 *    with `recursiveMerge: true` merge into them (docs/partials/helm/_helm-cr-optional-values.mdx;
 *    KOTS pkg/apparchive/helm-v1beta2.go applies them in order). A `when` that cannot be decided
 *    statically is taken both ways (each outcome says which). KOTS renders `repl{{ }}` in the HelmChart
 *    before parsing it, per mode (templates/kots.ts).
 *  - The air gap bundle: values.yaml overlaid with `builder` only — static values, never rendered
 *    (docs/partials/helm/_helm-builder-requirements.mdx; KOTS pkg/apparchive/helm-v1beta2.go
 *    findV1Beta2HelmChartImages templates the chart with GetBuilderValues alone).
 *  - Helm CLI: values.yaml as packaged, plus `global.replicated` that the Replicated registry injects on
 *    pull (docs/vendor/helm-install-values-schema.mdx).
 */
import type { LoadedChart } from '../charts/chart';
import { fileOfKey } from '../charts/chart';
import { documentTree } from '../manifests/findImages';
import { splitDocuments } from '../manifests/documents';
import type { YNode } from '../yaml/yamlTree';
import type { Decisions, TemplateFunction } from '../templates/evaluate';
import { renderKotsScalar } from '../templates/kots';
import { NIL, coalesce, isComplete, mapOf, mergeRecursive, replaceTopLevel, str, textOf, unknown, valueFromYaml, type Value } from '../templates/values';
import type { ReleaseHelmChart } from './release';

/** Which values a render uses. */
export type ValuesMode = 'online' | 'airgap' | 'builder' | 'helm';

/** A chart's own values.yaml as a Value (parsed once per chart object). */
const defaultsCache = new WeakMap<LoadedChart, Value>();

export function chartDefaults(chart: LoadedChart): Value {
  let cached = defaultsCache.get(chart);
  if (!cached) {
    cached = NIL;
    if (chart.values) {
      const text = chart.values.text;
      const range = splitDocuments(text)[0] ?? { start: 0, end: text.length };
      let root: YNode | null = null;
      try {
        root = documentTree(text, range, 'helm-values').root;
      } catch {
        root = null;
      }
      const { file, entry } = fileOfKey(chart.values.key);
      cached = valueFromYaml(root, { file, labelRoot: '.Values', ...(entry ? { entry } : {}) });
    }
    defaultsCache.set(chart, cached);
  }
  return cached;
}

/** Go's strconv.ParseBool, which KOTS applies to a rendered `when`. */
function parseGoBool(text: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  return undefined;
}

/** A HelmChart values tree with its `repl{{ }}` rendered for one mode. */
function kotsValues(node: YNode | null, helmChart: ReleaseHelmChart, label: string, functions: ReadonlyMap<string, TemplateFunction> | undefined, decisions: Decisions): Value {
  return valueFromYaml(node, {
    file: helmChart.file,
    labelRoot: label,
    scalar: (scalar, origin) => {
      if (!functions || !(scalar.value.includes('repl{{') || scalar.value.includes('{{repl'))) return undefined;
      return renderKotsScalar(scalar, origin, functions, decisions);
    },
  });
}

export interface EffectiveValues {
  values: Value;
  /** Which optionalValues entries applied (index, and whether decided or assumed). */
  appliedOptional: number[];
}

/**
 * The values `chart` is rendered with in `mode` for `helmChart` (undefined for a Helm CLI install or a
 * chart analysed alone: then its defaults). `functions` are the KOTS functions of the mode.
 */
export function effectiveValues(chart: LoadedChart, helmChart: ReleaseHelmChart | undefined, mode: ValuesMode, functions: ReadonlyMap<string, TemplateFunction> | undefined, decisions: Decisions): EffectiveValues {
  const defaults = chartDefaults(chart);
  if (mode === 'helm') return { values: coalesce(injectedByReplicatedRegistry(), defaults), appliedOptional: [] };
  if (!helmChart) return { values: defaults, appliedOptional: [] };
  if (mode === 'builder') {
    // Static values, never rendered: a template in builder stays a string (and is reported as such).
    return { values: coalesce(valueFromYaml(helmChart.builder, { file: helmChart.file, labelRoot: 'HelmChart builder' }), defaults), appliedOptional: [] };
  }
  let user = kotsValues(helmChart.values, helmChart, 'HelmChart values', functions, decisions);
  if (user.kind !== 'map') user = { kind: 'map', entries: new Map() };
  const appliedOptional: number[] = [];
  helmChart.optionalValues.forEach((optional, index) => {
    if (!optional.when) return;
    const whenOrigin = { file: helmChart.file, start: optional.when.start, end: optional.when.end, label: `HelmChart optionalValues[${index}].when` };
    const rendered = optional.when.value.includes('repl{{') || optional.when.value.includes('{{repl') ? (functions ? renderKotsScalar({ value: optional.when.value, style: 'single', exact: optional.when.exact }, whenOrigin, functions, decisions) : unknown('when')) : str(optional.when.value);
    let applies = rendered.kind === 'string' && isComplete(rendered.segments) ? parseGoBool(textOf(rendered).trim()) : rendered.kind === 'bool' ? rendered.value : undefined;
    if (applies === undefined) applies = decisions.choose(`optionalValues[${index}].when: ${optional.when.value}`);
    if (!applies) return;
    appliedOptional.push(index);
    const over = kotsValues(optional.values, helmChart, `HelmChart optionalValues[${index}].values`, functions, decisions);
    user = optional.recursiveMerge ? mergeRecursive(over, user) : replaceTopLevel(over, user);
  });
  return { values: coalesce(user, defaults), appliedOptional };
}

/**
 * What the Replicated registry adds to a chart's values when a customer pulls it with Helm
 * (docs/vendor/helm-install-values-schema.mdx): `global.replicated` with the license and the
 * `dockerconfigjson` the SDK turns into `enterprise-pull-secret` (docs/vendor/helm-image-registry.mdx).
 */
function injectedByReplicatedRegistry(): Value {
  const injected = (what: string): Value => unknown(`${what} is injected by the Replicated registry at install`);
  return mapOf({
    global: mapOf({
      replicated: mapOf({
        dockerconfigjson: injected('global.replicated.dockerconfigjson'),
        licenseID: injected('global.replicated.licenseID'),
        customerName: injected('global.replicated.customerName'),
        customerEmail: injected('global.replicated.customerEmail'),
        channelName: injected('global.replicated.channelName'),
      }),
    }),
  });
}

