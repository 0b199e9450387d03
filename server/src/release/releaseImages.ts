/**
 * Every image a release pulls, per install mode, and the reference the customer's cluster actually
 * pulls (docs: replicated-docs @3187d2d; KOTS: replicatedhq/kots @370ae90):
 *  - plain manifests, `additionalImages` and HelmChart v1beta1 charts: KOTS rewrites. Online, a private
 *    image becomes `<proxy-domain>/proxy/<app>/<image>` and a public one is pulled as written
 *    (docs/vendor/private-images-kots.mdx; pkg/image/online.go RewritePrivateImage: Replicated registry
 *    images and images already on the proxy host are left alone); `proxyPublicImages` proxies all. With
 *    a local registry (always in air gap) every image becomes `<host>/<namespace>/<last segment>`
 *    (docs/enterprise/installing-existing-cluster-airgapped.mdx; pkg/imageutil/image.go DestImage).
 *  - HelmChart v1beta2 charts: nothing is rewritten; the customer pulls what the chart renders with the
 *    effective values of the mode (docs/vendor/helm-native-about.mdx, helm-native-v2-using.mdx). The air
 *    gap bundle holds what the chart renders with the `builder` values.
 *  - Helm CLI installs: the chart's own values, nothing rewritten (docs/vendor/helm-image-registry.mdx).
 */
import type { AnalysisEnvironment, FoundImage } from '../findings/types';
import type { LoadedChart } from '../charts/chart';
import { parseImageReference } from '../reference/imageReference';
import { isReplicatedRegistryDomain, normalizeHost, parseProxyReference, proxyRewriteProblem, toProxyReference, DEFAULT_PROXY_DOMAIN } from '../reference/proxy';
import { explore, type Assumption } from '../templates/evaluate';
import { PLACEHOLDER_LOCAL_REGISTRY_HOST, localImageName, renderKotsScalar, type InstallMode } from '../templates/kots';
import { isComplete, sourceOfKey, unknownReasons, type Segment } from '../templates/values';
import { isPrivateImage, kotsFunctionsFor, kotsProxyDomain } from './modes';
import { installedWithHelmCli, type Release, type ReleaseHelmChart } from './release';
import { renderChart, type RenderedImage } from './renderChart';

export type PullVia = 'proxy' | 'replicated-registry' | 'local-registry' | 'direct' | 'unknown';
export type InstallPath = 'manifest' | 'additional-image' | 'helmchart-v1beta1' | 'helmchart-v1beta2' | 'helm-cli';

export interface ReleaseImage {
  mode: InstallMode;
  path: InstallPath;
  /** The reference as the release writes or renders it (absent when it could not be evaluated). */
  reference?: string;
  /** What the customer's cluster pulls in this mode (after KOTS's rewrite where KOTS rewrites). */
  pulled?: string;
  via: PullVia;
  /** KOTS rewrote `reference` into `pulled`. */
  rewrittenByKots?: boolean;
  /** Where the image is written: the manifest scalar, or the chart template scalar. */
  source: { file: string; entry?: string; start: number; end: number };
  helmChart?: ReleaseHelmChart;
  chart?: LoadedChart;
  /** Chart images: where each piece of the reference came from. */
  segments?: Segment[];
  assumptions: Assumption[];
  /** What was left unevaluated (the image then has no `reference`). */
  unevaluated: string[];
  /** Air gap, chart images: whether the bundle (the builder render) has the image. */
  inBundle?: boolean;
  /** What is uncertain about `pulled` (KOTS decides at install whether an image is private). */
  note?: string;
  /** Air gap: not in the bundle under this name, but bundled (pushed) under that one. */
  bundledAs?: string;
}

/** A manifest image the caller found (plain manifests and Application `additionalImages`). */
export interface ManifestImage {
  file: string;
  image: FoundImage;
}

/** How a cluster reaches a reference. */
export function viaOf(reference: string | undefined, env: Pick<AnalysisEnvironment, 'config'>): PullVia {
  if (!reference) return 'unknown';
  const parsed = parseImageReference(reference);
  if (!parsed.ok) return 'unknown';
  const domain = normalizeHost(parsed.reference.domain);
  if (domain === PLACEHOLDER_LOCAL_REGISTRY_HOST) return 'local-registry';
  if (parsed.reference.explicitDomain && [DEFAULT_PROXY_DOMAIN, ...env.config.customDomains.proxy].some((host) => normalizeHost(host) === domain)) return 'proxy';
  if (parsed.reference.explicitDomain && isReplicatedRegistryDomain(domain, env.config.customDomains.registry)) return 'replicated-registry';
  return 'direct';
}

/** What KOTS makes of `reference` in a mode where it rewrites images (manifests, v1beta1, additionalImages). */
export function kotsRewrite(reference: string, mode: 'online' | 'airgap', release: Release | undefined, env: Pick<AnalysisEnvironment, 'config'>): { pulled?: string; note?: string } {
  const parsed = parseImageReference(reference);
  if (!parsed.ok) return {};
  if (mode === 'airgap') {
    const local = localImageName(reference, PLACEHOLDER_LOCAL_REGISTRY_HOST, env.config.app ?? 'app');
    return local ? { pulled: local } : {};
  }
  const ref = parsed.reference;
  if (isReplicatedRegistryDomain(ref.domain, env.config.customDomains.registry)) return { pulled: reference };
  const proxyDomain = kotsProxyDomain(env);
  if (ref.explicitDomain && normalizeHost(ref.domain) === proxyDomain) return { pulled: reference };
  const app = env.config.app;
  // A reference on another proxy domain is private too (the proxy answers 401): KOTS prefixes it again.
  const isPrivate = release?.proxyPublicImages || viaOf(reference, env) === 'proxy' ? true : isPrivateImage(reference, env);
  if (isPrivate === false) return { pulled: reference };
  if (!app) return { note: 'KOTS proxies it when it is private; set app: in .replicated-registries.yaml to see the proxy reference' };
  const problem = proxyRewriteProblem(ref);
  if (problem) return { note: `KOTS proxies it when it is private, but ${problem}` };
  const proxied = toProxyReference(ref, app, proxyDomain);
  if (isPrivate === undefined) return { pulled: proxied, note: 'proxied if an anonymous pull fails (KOTS checks at install)' };
  return { pulled: proxied };
}

function chartImage(image: RenderedImage, mode: InstallMode, path: InstallPath, helmChart: ReleaseHelmChart | undefined, release: Release, env: Pick<AnalysisEnvironment, 'config'>): ReleaseImage {
  const { file, entry } = sourceOfKey(image.template.key);
  const out: ReleaseImage = {
    mode,
    path,
    via: 'unknown',
    source: { file, start: image.start, end: image.end, ...(entry ? { entry } : {}) },
    chart: image.chart,
    segments: image.segments,
    assumptions: image.assumptions,
    unevaluated: image.unevaluated,
  };
  if (helmChart) out.helmChart = helmChart;
  if (!image.text) return out;
  out.reference = image.text;
  if (path === 'helmchart-v1beta1' && mode !== 'helm') {
    const rewritten = kotsRewrite(image.text, mode, release, env);
    if (rewritten.pulled) out.pulled = rewritten.pulled;
    out.rewrittenByKots = rewritten.pulled !== undefined && rewritten.pulled !== image.text;
  } else {
    out.pulled = image.text;
  }
  out.via = viaOf(out.pulled, env);
  return out;
}

/** The local names the air gap bundle provides (what KOTS pushes to the local registry). */
function bundleNames(images: RenderedImage[], env: Pick<AnalysisEnvironment, 'config'>): Set<string> {
  const names = new Set<string>();
  for (const image of images) {
    if (!image.text) continue;
    const local = localImageName(image.text, PLACEHOLDER_LOCAL_REGISTRY_HOST, env.config.app ?? 'app');
    if (local) names.add(local);
  }
  return names;
}

/** Chart images per release, configuration and mode: computed once (the hover, the rules and `images` share them). */
const chartImagesMemo = new WeakMap<Release, WeakMap<object, Map<InstallMode, ReleaseImage[]>>>();

function chartImagesIn(release: Release, env: Pick<AnalysisEnvironment, 'config'>, mode: InstallMode): ReleaseImage[] {
  let byConfig = chartImagesMemo.get(release);
  if (!byConfig) {
    byConfig = new WeakMap();
    chartImagesMemo.set(release, byConfig);
  }
  let byMode = byConfig.get(env.config);
  if (!byMode) {
    byMode = new Map();
    byConfig.set(env.config, byMode);
  }
  let images = byMode.get(mode);
  if (images) return images;
  images = [];
  if (mode === 'helm') {
    for (const chart of release.charts) {
      if (!installedWithHelmCli(release, chart)) continue;
      for (const image of renderChart(chart, undefined, 'helm', undefined).images) images.push(chartImage(image, 'helm', 'helm-cli', undefined, release, env));
    }
  } else {
    const functions = kotsFunctionsFor(release, env, mode);
    for (const helmChart of release.helmCharts) {
      if (!helmChart.chart || excludedStatically(helmChart)) continue;
      const path: InstallPath = helmChart.apiVersion === 'kots.io/v1beta2' ? 'helmchart-v1beta2' : 'helmchart-v1beta1';
      const rendered = renderChart(helmChart.chart, helmChart, mode, functions).images;
      // KOTS builds the bundle from the builder render for v1beta2; v1beta1 images are found in the rendered chart.
      const bundle = mode === 'airgap' && path === 'helmchart-v1beta2' ? bundleNames(renderChart(helmChart.chart, helmChart, 'builder', undefined).images, env) : undefined;
      for (const image of rendered) {
        const item = chartImage(image, mode, path, helmChart, release, env);
        if (bundle && item.pulled && item.via === 'local-registry') {
          item.inBundle = bundle.has(item.pulled);
          // The same image under another path: pushed where LocalRegistryNamespace says, pulled elsewhere.
          const name = item.pulled.slice(item.pulled.lastIndexOf('/') + 1);
          if (!item.inBundle) {
            const pushed = [...bundle].find((local) => local.endsWith(`/${name}`));
            if (pushed) item.bundledAs = pushed;
          }
        }
        images.push(item);
      }
    }
  }
  byMode.set(mode, images);
  return images;
}

/** Every image of the release in each of `modes` (default: the modes the release supports). */
export function releaseImages(release: Release, env: Pick<AnalysisEnvironment, 'config'>, manifests: ManifestImage[], modes: readonly InstallMode[] = release.modes): ReleaseImage[] {
  const out: ReleaseImage[] = [];
  for (const mode of modes) {
    out.push(...chartImagesIn(release, env, mode));
    if (mode !== 'helm') for (const { file, image } of manifests) out.push(...manifestImage(file, image, mode, release, env));
  }
  return out;
}

/** `exclude: true` written literally drops the chart (a template is evaluated at install: kept). */
function excludedStatically(helmChart: ReleaseHelmChart): boolean {
  return helmChart.exclude?.value === 'true';
}

function manifestImage(file: string, image: FoundImage, mode: 'online' | 'airgap', release: Release, env: Pick<AnalysisEnvironment, 'config'>): ReleaseImage[] {
  if (image.kind === 'excluded-image' || image.kind === 'helmchart-values' || image.kind === 'helm-values' || image.kind === 'helm-template' || image.kind === 'compose' || image.kind === 'kustomize') return [];
  const path: InstallPath = image.kind === 'additional-image' ? 'additional-image' : 'manifest';
  const base = { mode, path, source: { file, start: image.start, end: image.end } };
  const texts: Array<{ text?: string; assumptions: Assumption[]; unevaluated: string[] }> = [];
  if (image.templated && /repl\{\{|\{\{repl/.test(image.text)) {
    const functions = kotsFunctionsFor(release, env, mode);
    const origin = { file, start: image.start, end: image.end, label: 'KOTS template' };
    for (const outcome of explore((decisions) => renderKotsScalar({ value: image.text, style: 'single', exact: false }, origin, functions, decisions)).outcomes) {
      const value = outcome.result;
      const segments = value.kind === 'string' ? value.segments : [];
      const text = segments.map((segment) => segment.text).join('').trim();
      texts.push(value.kind === 'string' && isComplete(segments) && text !== '' ? { text, assumptions: outcome.assumptions, unevaluated: [] } : { assumptions: outcome.assumptions, unevaluated: value.kind === 'unknown' ? [value.reason] : unknownReasons(segments) });
    }
  } else if (image.templated) {
    texts.push({ assumptions: [], unevaluated: ['a template expression KOTS does not evaluate'] });
  } else {
    texts.push({ text: image.text, assumptions: [], unevaluated: [] });
  }
  return texts.map((entry): ReleaseImage => {
    const item: ReleaseImage = { ...base, via: 'unknown', assumptions: entry.assumptions, unevaluated: entry.unevaluated };
    if (!entry.text) return item;
    item.reference = entry.text;
    // A reference KOTS made itself (LocalImageName) is not rewritten again; online, neither is one on
    // its own proxy domain. With a local registry every other image is rewritten (and bundled).
    const already = viaOf(entry.text, env);
    if (already === 'local-registry' || (mode === 'online' && already === 'proxy' && parseProxyOf(entry.text, env))) {
      item.pulled = entry.text;
    } else {
      const rewritten = kotsRewrite(entry.text, mode, release, env);
      if (rewritten.pulled) item.pulled = rewritten.pulled;
      if (rewritten.note) item.note = rewritten.note;
      item.rewrittenByKots = rewritten.pulled !== undefined && rewritten.pulled !== entry.text;
    }
    item.via = viaOf(item.pulled, env);
    return item;
  });
}

function parseProxyOf(text: string, env: Pick<AnalysisEnvironment, 'config'>): boolean {
  const parsed = parseImageReference(text);
  return parsed.ok && normalizeHost(parsed.reference.domain) === kotsProxyDomain(env) && parseProxyReference(parsed.reference, env.config.customDomains.proxy) !== undefined;
}
