/**
 * The image list a release pulls, per install mode, with where each image comes from and the
 * customer-pull findings about it: what `replicated-registries images` prints and what the language
 * server answers to ReleaseImagesRequest (the extension's Images view). One function for both.
 */
import path from 'node:path';
import type { AnalysisEnvironment, Finding, Severity } from '../findings/types';
import { findImages } from '../manifests/findImages';
import { customerFindings } from '../rules/customerRules';
import { effectiveSeverity, nominalSeverity } from '../rules/severity';
import type { InstallMode } from '../templates/kots';
import type { Assumption } from '../templates/evaluate';
import { registryNamesOf } from '../release/fileImages';
import type { Release, ReleaseFiles } from '../release/release';
import { releaseImages, type InstallPath, type ManifestImage, type PullVia, type ReleaseImage } from '../release/releaseImages';

export interface ImageListEntry {
  mode: InstallMode;
  path: InstallPath;
  /** As the release writes or renders it. */
  reference?: string;
  /** What the customer's cluster pulls. */
  pulled?: string;
  via: PullVia;
  rewrittenByKots?: boolean;
  /** Air gap: whether the bundle has it. */
  inBundle?: boolean;
  /** What is uncertain about `pulled`. */
  note?: string;
  /** Where it is written (inside an archive: the entry). */
  source: { file: string; entry?: string; start: number; end: number };
  /** Where an editor jumps: the scalar in a workspace file (an archive's image: the HelmChart's chart.name). */
  location: { file: string; start: number; end: number };
  helmChart?: { name: string; file: string };
  /** The value it comes from, e.g. `HelmChart values image.registry` or `.Values.image.repository`. */
  value?: string;
  assumptions: Assumption[];
  unevaluated: string[];
  findings: Array<{ code: Finding['code']; severity: Severity; message: string; file: string; start: number; end: number }>;
}

const MANIFEST_KINDS = new Set(['container', 'additional-image', 'collector']);

/** The images of the release's plain manifests and Application (KOTS rewrites these). */
export async function manifestImagesOf(files: ReleaseFiles, release: Release, env: Pick<AnalysisEnvironment, 'config'>): Promise<ManifestImage[]> {
  const chartDirs = release.charts.flatMap((chart) => (chart.location.kind === 'folder' ? [chart.location.dir] : []));
  const out: ManifestImage[] = [];
  for (const file of await files.list()) {
    if (!/\.ya?ml$/i.test(file) || chartDirs.some((dir) => file.startsWith(dir + path.sep)) || path.basename(file) === '.replicated-registries.yaml') continue;
    const text = await files.readText(file);
    if (text === undefined) continue;
    for (const image of findImages(text, file, { proxyDomains: env.config.customDomains.proxy, registryNames: registryNamesOf(env) }).images) {
      if (MANIFEST_KINDS.has(image.kind)) out.push({ file, image });
    }
  }
  return out;
}

function locationOf(image: ReleaseImage): ImageListEntry['location'] {
  if (image.source.entry === undefined) return { file: image.source.file, start: image.source.start, end: image.source.end };
  const fromHelmChart = image.segments?.find((segment) => segment.origin && segment.origin.entry === undefined && segment.origin.file === image.helmChart?.file);
  if (fromHelmChart?.origin) return { file: fromHelmChart.origin.file, start: fromHelmChart.origin.start, end: fromHelmChart.origin.end };
  const node = image.helmChart?.chartNameNode;
  if (image.helmChart && node) return { file: image.helmChart.file, start: node.start, end: node.end };
  return { file: image.source.file, start: 0, end: 0 };
}

export function listImages(release: Release, env: AnalysisEnvironment, manifests: ManifestImage[], modes: readonly InstallMode[] = release.modes): ImageListEntry[] {
  const findings = [...customerFindings(release, env).entries()].flatMap(([file, list]) => list.map((finding) => ({ file, finding })));
  return releaseImages(release, env, manifests, modes).map((image) => {
    const entry: ImageListEntry = { mode: image.mode, path: image.path, via: image.via, source: image.source, location: locationOf(image), assumptions: image.assumptions, unevaluated: image.unevaluated, findings: [] };
    if (image.reference) entry.reference = image.reference;
    if (image.pulled) entry.pulled = image.pulled;
    if (image.rewrittenByKots) entry.rewrittenByKots = true;
    if (image.inBundle !== undefined) entry.inBundle = image.inBundle;
    if (image.note) entry.note = image.note;
    if (image.helmChart) entry.helmChart = { name: image.helmChart.name || image.helmChart.chartName, file: image.helmChart.file };
    const value = image.segments?.find((segment) => segment.origin && segment.origin.label !== 'template text')?.origin?.label;
    if (value) entry.value = value;
    // The customer-pull findings of this chart image: same mode and reference, in one of its files.
    const files = new Set<string>([image.source.file, ...(image.helmChart ? [image.helmChart.file] : []), ...(image.segments ?? []).flatMap((segment) => (segment.origin ? [segment.origin.file] : []))]);
    for (const { file, finding } of findings) {
      if (image.path !== 'helmchart-v1beta2' && image.path !== 'helm-cli') break;
      if (finding.data?.mode !== image.mode || (finding.reference !== image.pulled && finding.reference !== image.reference) || !files.has(file)) continue;
      const severity = effectiveSeverity(finding.code, env);
      if (severity === 'off') continue;
      // A finding its rule lowered (an info) keeps its level, as finalizeFindings does.
      entry.findings.push({ code: finding.code, severity: finding.severity !== nominalSeverity(finding.code) ? finding.severity : severity, message: finding.message, file, start: finding.start, end: finding.end });
    }
    return entry;
  });
}
