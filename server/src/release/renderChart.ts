/**
 * The images a chart renders with given values: every `image:` scalar the line scanner finds in the
 * chart's templates (and its enabled application subcharts'), evaluated in place (templates/helm.ts)
 * under each combination of undecidable conditions. Each image keeps where every piece of its text came
 * from, so a finding can sit where the fix goes (values.yaml, the HelmChart, the template).
 *
 * Subcharts follow Helm: a subchart renders with `<parent values>.<name or alias>` over its own
 * values.yaml, `global` shared; a dependency whose `condition` is false is not rendered; library charts
 * render nothing themselves but lend their named templates. All templates of a chart and its subcharts
 * share one namespace of named templates, as in Helm.
 */
import { subchartValuesKey, type ChartFile, type LoadedChart } from '../charts/chart';
import { findImages } from '../manifests/findImages';
import { BudgetExceeded, explore, type Assumption, type Decisions, type TemplateFunction } from '../templates/evaluate';
import { chartRoot, ChartTemplates, evaluateImageScalar, HELM_FUNCTIONS, type ImageScalar, type WalkOptions } from '../templates/helm';
import { coalesce, isComplete, lookUp, mapOf, truthOf, unknownReasons, type Segment, type Value } from '../templates/values';
import { chartDefaults, effectiveValues, type ValuesMode } from './effectiveValues';
import type { ReleaseHelmChart } from './release';

export interface RenderedImage {
  /** The chart whose template holds the image (the chart itself or a subchart). */
  chart: LoadedChart;
  template: ChartFile;
  /** The scalar in the template (offsets in its text). */
  start: number;
  end: number;
  segments: Segment[];
  /** The reference text when complete. */
  text?: string;
  /** Why it is incomplete (what was left unevaluated). */
  unevaluated: string[];
  assumptions: Assumption[];
}

export interface NotRenderedImage {
  chart: LoadedChart;
  template: ChartFile;
  start: number;
  end: number;
  /** Why: its branch is not taken, or the evaluator cannot follow it there. */
  reason: string;
  assumptions: Assumption[];
}

export interface ChartRender {
  images: RenderedImage[];
  notRendered: NotRenderedImage[];
}

interface ScalarSite {
  chart: LoadedChart;
  template: ChartFile;
  scalar: ImageScalar;
  /** The values path of the chart in the parent's values (subcharts), for the data each render uses. */
  valuesKeys: string[];
  templates: ChartTemplates;
}

/** Image scalars of a chart's templates and its subcharts', found once per chart object. */
const sitesCache = new WeakMap<LoadedChart, ScalarSite[]>();

function isManifestTemplate(file: ChartFile): boolean {
  const name = file.key.slice(file.key.replace(/\\/g, '/').lastIndexOf('/') + 1);
  return /\.ya?ml$/i.test(name) && !name.startsWith('_');
}

function scalarOf(text: string, image: { text: string; start: number; end: number; exact?: boolean }): ImageScalar {
  const before = text[image.start - 1];
  const style = before === '"' ? 'double' : before === "'" ? 'single' : 'plain';
  return { value: image.text, start: image.start, end: image.end, style, exact: image.exact === true };
}

/** Every chart file Helm loads into the named-template namespace: the chart's, then its subcharts'. */
function allTemplateFiles(chart: LoadedChart): ChartFile[] {
  return [...chart.templates, ...chart.subcharts.flatMap(allTemplateFiles)];
}

function sitesOf(chart: LoadedChart): ScalarSite[] {
  let sites = sitesCache.get(chart);
  if (sites) return sites;
  sites = [];
  const templates = new ChartTemplates(allTemplateFiles(chart).map((file) => ({ path: file.key, text: file.text })));
  const collect = (current: LoadedChart, valuesKeys: string[]): void => {
    if (current.type !== 'library') {
      for (const template of current.templates) {
        if (!isManifestTemplate(template)) continue;
        // Chart templates are read leniently: never a YAML error, images still found line by line.
        for (const image of findImages(template.text, '/chart/templates/file.yaml').images) {
          (sites).push({ chart: current, template, scalar: scalarOf(template.text, image), valuesKeys, templates });
        }
      }
    }
    for (const subchart of current.subcharts) collect(subchart, [...valuesKeys, subchartValuesKey(current, subchart)]);
  };
  collect(chart, []);
  sitesCache.set(chart, sites);
  return sites;
}

/** The chart a site belongs to, found from the top chart by values keys (for its defaults and condition). */
function chartPath(top: LoadedChart, keys: string[]): LoadedChart[] {
  const out = [top];
  let current = top;
  for (const key of keys) {
    const next = current.subcharts.find((subchart) => subchartValuesKey(current, subchart) === key);
    if (!next) break;
    out.push(next);
    current = next;
  }
  return out;
}

/**
 * The values a (sub)chart at `keys` sees, and whether it is enabled: each level takes
 * `<parent>.<key>` over its own defaults, with the parent's `global`.
 */
function subchartValues(top: LoadedChart, topValues: Value, keys: string[], decisions: Decisions): { values: Value } | { disabled: string } {
  const charts = chartPath(top, keys);
  let values = topValues;
  for (let level = 0; level < keys.length; level++) {
    const parent = charts[level] as LoadedChart;
    const child = charts[level + 1] as LoadedChart;
    const key = keys[level] as string;
    const dependency = parent.dependencies.find((candidate) => (candidate.alias ?? candidate.name) === key || candidate.name === child.name);
    if (dependency?.condition) {
      // Helm: the first condition path that resolves to a boolean decides.
      for (const conditionPath of dependency.condition.split(',').map((part) => part.trim()).filter((part) => part !== '')) {
        const condition = lookUp(values, conditionPath.split('.'));
        if (condition.kind === 'nil') continue;
        let enabled = truthOf(condition);
        if (enabled === undefined) enabled = decisions.choose(`${conditionPath} (enables subchart ${key})`);
        if (!enabled) return { disabled: `the subchart ${key} is disabled (${conditionPath} is false)` };
        break;
      }
    }
    const global = lookUp(values, ['global']);
    const own = lookUp(values, [key]);
    const merged = coalesce(own.kind === 'map' ? own : mapOf({}), chartDefaults(child));
    values = global.kind === 'map' ? coalesce(mapOf({ global: coalesce(global, lookUp(merged, ['global'])) }), merged) : merged;
  }
  return { values };
}

/** Renders with the chart's own defaults, once per chart object and walk (every file of the chart asks). */
const defaultsRenders = new WeakMap<LoadedChart, Map<string, ChartRender>>();

export function renderChartDefaults(chart: LoadedChart, walk: WalkOptions = {}): ChartRender {
  let byWalk = defaultsRenders.get(chart);
  if (!byWalk) {
    byWalk = new Map();
    defaultsRenders.set(chart, byWalk);
  }
  const key = walk.everyBranch ? 'every-branch' : 'values';
  let render = byWalk.get(key);
  if (!render) {
    render = renderChart(chart, undefined, 'online', undefined, walk);
    byWalk.set(key, render);
  }
  return render;
}

/**
 * Renders the images of `chart` (with its subcharts) for `mode`: the HelmChart's effective values when
 * given, else the chart's defaults. `kotsFunctions` are the KOTS functions of the mode (HelmChart values).
 */
export function renderChart(chart: LoadedChart, helmChart: ReleaseHelmChart | undefined, mode: ValuesMode, kotsFunctions: ReadonlyMap<string, TemplateFunction> | undefined, walk: WalkOptions = {}): ChartRender {
  const render: ChartRender = { images: [], notRendered: [] };
  // Values that needed no undecidable choice are computed once for every image of the chart.
  let fixedValues: Value | undefined;
  for (const site of sitesOf(chart)) {
    const { outcomes, truncated } = explore((decisions) => {
      let values: Value;
      if (fixedValues) values = fixedValues;
      else {
        const before = decisions.assumptions.length;
        values = effectiveValues(chart, helmChart, mode, kotsFunctions, decisions).values;
        if (decisions.assumptions.length === before) fixedValues = values;
      }
      const scoped = site.valuesKeys.length === 0 ? { values } : subchartValues(chart, values, site.valuesKeys, decisions);
      if ('disabled' in scoped) return { rendered: false as const, reason: scoped.disabled };
      const subchart = site.chart;
      const root = chartRoot(scoped.values, { name: subchart.name, version: subchart.version, ...(subchart.appVersion !== undefined ? { appVersion: subchart.appVersion } : {}), ...(subchart.appVersionOrigin ? { appVersionOrigin: subchart.appVersionOrigin } : {}), ...(subchart.type ? { type: subchart.type } : {}) }, templateName(subchart, site.template));
      const parsed = site.templates.parsedFile(site.template.key);
      if (!parsed) return { rendered: false as const, reason: 'the template could not be read' };
      try {
        return evaluateImageScalar({ path: site.template.key, parsed }, site.scalar, root, { functions: HELM_FUNCTIONS, templates: site.templates }, decisions, walk);
      } catch (error) {
        if (error instanceof BudgetExceeded) return { rendered: false as const, reason: error.message, unsupported: true };
        throw error;
      }
    });
    const seen = new Set<string>();
    for (const outcome of outcomes) {
      const result = outcome.result;
      const base = { chart: site.chart, template: site.template, start: site.scalar.start, end: site.scalar.end, assumptions: outcome.assumptions };
      if (!result.rendered) {
        render.notRendered.push({ ...base, reason: result.reason });
        continue;
      }
      const complete = isComplete(result.segments);
      const text = result.segments.map((segment) => segment.text).join('');
      // The same text under other assumptions adds nothing but noise.
      const key = complete ? text : `\u0000${unknownReasons(result.segments).join('\u0000')}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const image: RenderedImage = { ...base, segments: result.segments, unevaluated: complete ? [] : unknownReasons(result.segments) };
      if (complete) image.text = text;
      if (truncated) image.unevaluated.push('more combinations of undecidable conditions than the evaluator follows');
      render.images.push(image);
    }
  }
  return render;
}

function templateName(chart: LoadedChart, template: ChartFile): string {
  const normalized = template.key.replace(/\\/g, '/');
  const at = normalized.lastIndexOf('/templates/');
  return `${chart.name}${at < 0 ? '' : normalized.slice(at)}`;
}
