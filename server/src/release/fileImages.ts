/**
 * The images one file reports, once the release is known — each image reported once, where its fix
 * goes (issue 10 §4):
 *  - a chart template's image whose text comes from values.yaml is reported on the values line, with
 *    the template line as related information; the template reports only images it spells out itself;
 *  - a tag that comes from `.Chart.AppVersion` (`| default .Chart.AppVersion`) is the chart's tag,
 *    never `tag-missing`; the hover says which tag the chart uses;
 *  - a HelmChart reports the images its values set, and, read-only, those of a packaged chart it names
 *    (the archive cannot be edited: the finding sits on `chart.name` and says where in the archive);
 *  - a KOTS template (`repl{{ }}`) in a manifest or in HelmChart values is evaluated for the online
 *    install, so what the proxy will pull is checked like any reference.
 */
import path from 'node:path';
import type { AnalysisEnvironment, EvaluatedPiece, FoundImage, ImageKind, ImagePart, ImagePartRole, RelatedLocation } from '../findings/types';
import { describeKey, fileOfKey, type LoadedChart } from '../charts/chart';
import { fileRoleOf, type FileRole } from '../manifests/shapes';
import { toFoundImage } from '../manifests/findImages';
import { explore } from '../templates/evaluate';
import { renderKotsScalar } from '../templates/kots';
import { isComplete, unknownReasons, type Segment } from '../templates/values';
import { mayHoldKotsKinds } from './kotsKinds';
import { kotsFunctionsFor } from './modes';
import { chartAt, loadRelease, type Release, type ReleaseFiles, type ReleaseHelmChart, type ReleaseEnvironment } from './release';
import { renderChart, renderChartDefaults, type RenderedImage } from './renderChart';

/** The chart folder of a file under `<chart>/templates/`, or undefined. */
export function chartDirOf(filePath: string): string | undefined {
  const normalized = filePath.replace(/\\/g, '/');
  const at = normalized.lastIndexOf('/templates/');
  if (at < 0) return undefined;
  return filePath.slice(0, at) || '.';
}

const KOTS_TEMPLATE = /repl\{\{|\{\{repl/;

/** Whether a file's images depend on other files of the release (its results cannot be cached alone). `role`: the file's, when known. */
export function dependsOnRelease(filePath: string, text: string, role: FileRole = fileRoleOf(filePath)): boolean {
  if (role === 'helm-template') return true;
  if (role === 'helm-values' && path.basename(filePath) === 'values.yaml') return true;
  return mayHoldKotsKinds(text) || KOTS_TEMPLATE.test(text);
}

function roleOfLabel(label: string): ImagePartRole {
  if (label.startsWith('.Chart.AppVersion')) return 'tag';
  const last = (label.split(/[.\s]/).pop() ?? '').toLowerCase();
  if (last === 'registry' || last === 'imageregistry') return 'registry';
  if (last === 'repository' || last === 'repo' || last === 'name' || last === 'image') return last === 'image' ? 'image' : 'repository';
  if (last === 'tag' || last === 'version') return 'tag';
  if (last === 'digest') return 'digest';
  return 'image';
}

function piecesOf(segments: Segment[]): EvaluatedPiece[] {
  return segments.filter((segment) => segment.text !== '' || segment.unknown).map((segment) => {
    const piece: EvaluatedPiece = { text: segment.text, label: segment.unknown ? `unevaluated: ${segment.unknown}` : (segment.origin?.label ?? 'literal') };
    if (segment.origin) piece.file = segment.origin.entry ? `${segment.origin.file}#${segment.origin.entry}` : segment.origin.file;
    return piece;
  });
}

/** Segments whose origin is `file` itself (a workspace file, not an archive entry). */
function segmentsIn(segments: Segment[], file: string): Segment[] {
  return segments.filter((segment) => segment.origin && segment.origin.file === file && segment.origin.entry === undefined && segment.origin.label !== 'template text');
}

/** The segment a finding anchors on: the repository (or whole image) value, else the longest. */
function anchorSegment(candidates: Segment[]): Segment | undefined {
  const preferred = candidates.find((segment) => {
    const role = roleOfLabel(segment.origin?.label ?? '');
    return role === 'repository' || role === 'image';
  });
  return preferred ?? [...candidates].sort((a, b) => b.text.length - a.text.length)[0];
}

interface Placement {
  file: string;
  start: number;
  end: number;
  kind: ImageKind;
  context: string;
  readOnlyFrom?: string;
}

/** A rendered image as a FoundImage anchored at `placement`. */
function foundFromRendered(image: RenderedImage, placement: Placement, env: Pick<AnalysisEnvironment, 'config'>): FoundImage {
  const text = image.text as string;
  const found = toFoundImage({ text, start: placement.start, end: placement.end, kind: placement.kind, exact: false }, env.config.customDomains.proxy, registryNamesOf(env));
  const parts: ImagePart[] = [];
  for (const segment of segmentsIn(image.segments, placement.file)) {
    const origin = segment.origin;
    if (!origin) continue;
    parts.push({ role: roleOfLabel(origin.label), start: origin.start, end: origin.end, text: segment.text });
  }
  if (parts.length > 0 && !placement.readOnlyFrom) found.parts = parts;
  const related: RelatedLocation[] = [];
  const template = fileOfKey(image.template.key);
  if (template.entry === undefined && template.file !== placement.file) {
    related.push({ file: template.file, start: image.start, end: image.end, message: `rendered by ${path.basename(path.dirname(template.file))}/${path.basename(template.file)} as "${text}"` });
  }
  for (const segment of image.segments) {
    const origin = segment.origin;
    if (!origin || origin.entry !== undefined || origin.file === placement.file || origin.label === 'template text') continue;
    related.push({ file: origin.file, start: origin.start, end: origin.end, message: `${origin.label} = "${segment.text}"` });
  }
  if (related.length > 0) found.related = related;
  found.evaluation = { context: placement.context, pieces: piecesOf(image.segments), assumptions: image.assumptions };
  if (placement.readOnlyFrom) found.evaluation.readOnlyFrom = placement.readOnlyFrom;
  return found;
}

/** Merges images with the same anchor and text (one values block used by several templates). */
function mergeSame(images: FoundImage[]): FoundImage[] {
  const byKey = new Map<string, FoundImage>();
  for (const image of images) {
    const key = `${image.start}\u0000${image.end}\u0000${image.text}`;
    const previous = byKey.get(key);
    if (!previous) {
      byKey.set(key, image);
      continue;
    }
    const related = [...(previous.related ?? [])];
    for (const location of image.related ?? []) if (!related.some((r) => r.file === location.file && r.start === location.start)) related.push(location);
    if (related.length > 0) previous.related = related;
  }
  return [...byKey.values()];
}

/** Shape-found images whose scalars a rendered image now covers. */
function supersededBy(rendered: FoundImage[]): (image: FoundImage) => boolean {
  const starts = new Set<number>();
  for (const image of rendered) {
    starts.add(image.start);
    for (const part of image.parts ?? []) if (!part.file) starts.add(part.start);
  }
  return (image) => starts.has(image.start) || (image.parts ?? []).some((part) => !part.file && starts.has(part.start));
}

export function registryNamesOf(env: Pick<AnalysisEnvironment, 'config'>): ReadonlyMap<string, string> {
  return new Map(env.config.registries.map((entry) => [entry.slug.toLowerCase(), entry.endpoint]));
}

/**
 * Without a release (an environment that can only read files, such as a test's): the chart the file
 * sits in, read through `readFile` — its Chart.yaml, values.yaml and this one template (no listing, so
 * no helpers) — and nothing else.
 */
async function chartOnlyRelease(file: { path: string; text: string }, env: Pick<AnalysisEnvironment, 'readFile' | 'readFileSync'>): Promise<Release | undefined> {
  const role = fileRoleOf(file.path);
  const dir = role === 'helm-template' ? chartDirOf(file.path) : role === 'helm-values' ? path.dirname(file.path) : undefined;
  const read = env.readFile?.bind(env) ?? (env.readFileSync ? (target: string) => Promise.resolve(env.readFileSync?.(target)) : undefined);
  if (dir === undefined || !read) return undefined;
  const known = new Map<string, string>([[file.path, file.text]]);
  const text = async (target: string): Promise<string | undefined> => known.get(target) ?? (await read(target));
  const files: ReleaseFiles = {
    root: dir,
    list: () => Promise.resolve([path.join(dir, 'Chart.yaml'), path.join(dir, 'values.yaml'), ...(role === 'helm-template' ? [file.path] : [])]),
    readText: text,
    readBytes: () => Promise.resolve(undefined),
  };
  if ((await text(path.join(dir, 'Chart.yaml'))) === undefined) return undefined;
  return loadRelease(files, {});
}

/** The top folder chart holding a file (a subchart's file belongs to its parent's render). */
function topChartOf(release: Release, dir: string): LoadedChart | undefined {
  const holding = release.charts.filter((chart) => chart.location.kind === 'folder' && (dir === chart.location.dir || dir.startsWith(chart.location.dir + path.sep)));
  return holding.sort((a, b) => (b.location.kind === 'folder' ? b.location.dir.length : 0) - (a.location.kind === 'folder' ? a.location.dir.length : 0))[0];
}

/** The images `file` reports, with chart templates and KOTS templates evaluated. */
export async function imagesInRelease(file: { path: string; text: string }, found: FoundImage[], env: Pick<ReleaseEnvironment, 'config' | 'release' | 'readFile' | 'readFileSync'>): Promise<FoundImage[]> {
  if (!dependsOnRelease(file.path, file.text)) return found;
  const release = env.release ? await env.release() : await chartOnlyRelease(file, env);
  let images = found;
  if (release) {
    const role = fileRoleOf(file.path);
    const chartDir = role === 'helm-template' ? chartDirOf(file.path) : role === 'helm-values' ? path.dirname(file.path) : undefined;
    const chart = chartDir !== undefined ? chartAt(release, chartDir) : undefined;
    if (chart && role === 'helm-template') images = templateImages(file.path, found, topChartOf(release, chartDir as string) ?? chart, env);
    else if (chart && role === 'helm-values' && chart.values?.key === file.path) images = valuesImages(file.path, found, topChartOf(release, chartDir as string) ?? chart, env);
    const helmCharts = release.helmCharts.filter((helmChart) => helmChart.file === file.path);
    if (helmCharts.length > 0) images = helmChartImages(file.path, images, helmCharts, release, env);
  }
  return kotsTemplateImages(images, release, env);
}

/** A chart template: images it spells out itself (or from `.Chart`), resolved; values-made ones go to values.yaml. */
function templateImages(filePath: string, found: FoundImage[], chart: LoadedChart, env: Pick<AnalysisEnvironment, 'config'>): FoundImage[] {
  const render = renderChartDefaults(chart, { everyBranch: true });
  const out: FoundImage[] = [];
  for (const image of found) {
    const rendered = render.images.filter((r) => r.template.key === filePath && r.start === image.start);
    const skipped = render.notRendered.filter((r) => r.template.key === filePath && r.start === image.start);
    if (rendered.length === 0) {
      const reason = skipped[0]?.reason;
      out.push(reason && image.templated ? { ...image, evaluation: { context: `chart ${chart.name} with its default values`, pieces: [], assumptions: skipped[0]?.assumptions ?? [], notRendered: reason } } : image);
      continue;
    }
    for (const result of rendered) {
      if (!result.text) {
        out.push({ ...image, evaluation: { context: `chart ${chart.name} with its default values`, pieces: piecesOf(result.segments), assumptions: result.assumptions, unevaluated: result.unevaluated } });
        continue;
      }
      if (!image.templated && result.text === image.text && result.assumptions.length === 0) {
        out.push(image);
        continue;
      }
      const resolved = foundFromRendered(result, { file: filePath, start: image.start, end: image.end, kind: 'helm-template', context: `chart ${chart.name} with its default values` }, env);
      // Made from values.yaml: reported once, where the values are (issue 10 §4); listed here all the same.
      const values = result.segments.find((segment) => segment.origin && segment.origin.entry === undefined && segment.origin.label.startsWith('.Values'))?.origin;
      if (values) resolved.reportedElsewhere = values.file;
      out.push(resolved);
    }
  }
  return out;
}

/** A chart's values.yaml: its image blocks, replaced by what the templates make of them. */
function valuesImages(filePath: string, found: FoundImage[], chart: LoadedChart, env: Pick<AnalysisEnvironment, 'config'>): FoundImage[] {
  const render = renderChartDefaults(chart, { everyBranch: true });
  const resolved: FoundImage[] = [];
  for (const image of render.images) {
    if (!image.text) continue;
    const anchor = anchorSegment(segmentsIn(image.segments, filePath));
    if (!anchor?.origin) continue;
    resolved.push(foundFromRendered(image, { file: filePath, start: anchor.origin.start, end: anchor.origin.end, kind: 'helm-values', context: `chart ${chart.name} with its default values` }, env));
  }
  const merged = mergeSame(resolved);
  const covered = supersededBy(merged);
  return [...found.filter((image) => !covered(image)), ...merged].sort((a, b) => a.start - b.start);
}

/** A HelmChart: what its values make the chart render (online, and the builder's bundle), plus a packaged chart's own images. */
function helmChartImages(filePath: string, found: FoundImage[], helmCharts: ReleaseHelmChart[], release: Release, env: Pick<AnalysisEnvironment, 'config'>): FoundImage[] {
  const resolved: FoundImage[] = [];
  for (const helmChart of helmCharts) {
    const chart = helmChart.chart;
    if (!chart || !helmChart.chartNameNode) continue;
    const functions = kotsFunctionsFor(release, env, 'online');
    const renders: Array<[string, RenderedImage[]]> = [[`HelmChart ${helmChart.name || chart.name} (online install)`, renderChart(chart, helmChart, 'online', functions).images]];
    if (helmChart.hasBuilder) renders.push([`HelmChart ${helmChart.name || chart.name} builder values (air gap bundle)`, renderChart(chart, helmChart, 'builder', undefined).images]);
    for (const [context, images] of renders) {
      for (const image of images) {
        if (!image.text) continue;
        const anchor = anchorSegment(segmentsIn(image.segments, filePath));
        if (anchor?.origin) {
          resolved.push(foundFromRendered(image, { file: filePath, start: anchor.origin.start, end: anchor.origin.end, kind: 'helmchart-values', context }, env));
          continue;
        }
        // Only a packaged chart's images are reported here (a chart folder reports its own, where they can be fixed).
        const inArchive = image.segments.every((segment) => !segment.origin || segment.origin.entry !== undefined) && chart.location.kind === 'archive';
        if (!inArchive) continue;
        const node = helmChart.chartNameNode;
        resolved.push(
          foundFromRendered(image, { file: filePath, start: node.start, end: node.end, kind: 'helmchart-values', context, readOnlyFrom: describeKey(image.template.key, release.root) }, env),
        );
      }
    }
  }
  const merged = mergeSame(dedupeByAnchorText(resolved));
  const covered = supersededBy(merged.filter((image) => !image.evaluation?.readOnlyFrom));
  return [...found.filter((image) => !covered(image)), ...merged].sort((a, b) => a.start - b.start);
}

/** One finding per anchor and reference (online and builder renders often agree). */
function dedupeByAnchorText(images: FoundImage[]): FoundImage[] {
  const seen = new Set<string>();
  return images.filter((image) => {
    const key = `${image.start}\u0000${image.text}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** `repl{{ }}` images evaluated for the online install (what the proxy pulls is then checked). */
function kotsTemplateImages(images: FoundImage[], release: Release | undefined, env: Pick<AnalysisEnvironment, 'config'>): FoundImage[] {
  if (!images.some((image) => image.templated && KOTS_TEMPLATE.test(image.text))) return images;
  const functions = kotsFunctionsFor(release, env, 'online');
  const out: FoundImage[] = [];
  for (const image of images) {
    if (!image.templated || !KOTS_TEMPLATE.test(image.text) || image.parts) {
      out.push(image);
      continue;
    }
    const origin = { file: '', start: image.start, end: image.end, label: 'KOTS template' };
    const { outcomes } = explore((decisions) => renderKotsScalar({ value: image.text, style: 'single', exact: image.exact === true }, origin, functions, decisions));
    const seen = new Set<string>();
    for (const outcome of outcomes) {
      const value = outcome.result;
      const segments = value.kind === 'string' ? value.segments : [];
      const text = segments.map((segment) => segment.text).join('').trim();
      const complete = value.kind === 'string' && isComplete(segments) && text !== '' && !text.includes('{{');
      const key = complete ? text : '\u0000';
      if (seen.has(key)) continue;
      seen.add(key);
      if (!complete) {
        const unevaluated = value.kind === 'string' ? unknownReasons(segments) : [value.kind === 'unknown' ? value.reason : 'the template does not render a string'];
        out.push({ ...image, evaluation: { context: 'KOTS template (online install)', pieces: piecesOf(segments), assumptions: outcome.assumptions, unevaluated } });
        continue;
      }
      const resolved = toFoundImage({ text, start: image.start, end: image.end, kind: image.kind, exact: false }, env.config.customDomains.proxy, registryNamesOf(env));
      resolved.evaluation = { context: 'KOTS template (online install)', pieces: piecesOf(segments), assumptions: outcome.assumptions };
      // A values key named `image` is often one part of an image (`registry` + `image`): a rendering
      // without a registry host is that part, not a Docker Hub image, and stays a template.
      if ((image.kind === 'helmchart-values' || image.kind === 'helm-values') && !resolved.reference?.explicitDomain) {
        out.push({ ...image, evaluation: { ...resolved.evaluation, unevaluated: [`renders "${text}", which names no registry: taken for a part of an image, not checked alone`] } });
        continue;
      }
      out.push(resolved);
    }
  }
  return out;
}
