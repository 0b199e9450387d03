/**
 * The customer's pull, for the images a chart renders in each install mode the app supports
 * (release/releaseImages.ts): `not-proxied`, `pull-secret-missing`, `dockerhub-rate-limit`,
 * `airgap-missing`. Each finding sits where the fix goes — the HelmChart values for KOTS installs
 * (KOTS does not rewrite HelmChart v2 charts, so the vendor overrides the chart's values there), the
 * chart's values.yaml or template for Helm CLI installs — and carries its fix as text edits.
 *
 * Sources (replicated-docs @3187d2d):
 *  - not-proxied: docs/vendor/private-images-kots.mdx ("update the registry and repository for any
 *    private or third-party images to use the Replicated proxy registry URL"), helm-image-registry.mdx;
 *  - pull-secret-missing: docs/partials/proxy-service/_step-inject-pull-secret.mdx (`ImagePullSecretName`
 *    in HelmChart values, templated into pods), docs/vendor/helm-image-registry.mdx (`enterprise-pull-secret`);
 *  - dockerhub-rate-limit: docs/vendor/helm-native-v2-using.mdx ("For any of your application images that
 *    could be rate limited by Docker Hub ... the KOTS `APP_SLUG-kotsadm-dockerhub` pull secret");
 *  - airgap-missing: docs/partials/helm/_helm-cr-builder-airgap-intro.mdx and
 *    _helm-builder-requirements.mdx (the builder render decides the bundle), helm-native-v2-using.mdx
 *    (optionalValues on HasLocalRegistry rewrite to the local registry).
 */
import type { AnalysisEnvironment, Finding, FindingFix, RelatedLocation } from '../findings/types';
import { describeKey, fileOfKey } from '../charts/chart';
import { mapGet, type YNode, type YScalar } from '../yaml/yamlTree';
import { parseImageReference } from '../reference/imageReference';
import { proxyRewriteProblem, toProxyReference, customerProxyDomain } from '../reference/proxy';
import { chartDefaults, effectiveValues } from '../release/effectiveValues';
import { isPrivateImage, kotsFunctionsFor } from '../release/modes';
import { podPullSecretsAt, providesPullSecret, type PodPullSecrets } from '../release/podPullSecrets';
import type { Release, ReleaseHelmChart } from '../release/release';
import { releaseImages, type ReleaseImage } from '../release/releaseImages';
import { setYamlValues, yamlScalar } from '../release/yamlEdits';
import { explore } from '../templates/evaluate';
import { lookUp, type Segment, type Value } from '../templates/values';
import { nominalSeverity } from './severity';
import { placeReference } from './registryRules';

interface Anchor {
  file: string;
  start: number;
  end: number;
}

/** Customer-pull findings of the whole release, by file. */
export function customerFindings(release: Release, env: AnalysisEnvironment): Map<string, Finding[]> {
  const byFile = new Map<string, Finding[]>();
  const add = (anchor: Anchor, finding: Omit<Finding, 'start' | 'end'>): void => {
    const list = byFile.get(anchor.file) ?? [];
    // One finding per place, rule and message (several outcomes often agree).
    if (!list.some((other) => other.code === finding.code && other.start === anchor.start && other.message === finding.message)) list.push({ ...finding, start: anchor.start, end: anchor.end });
    byFile.set(anchor.file, list);
  };
  const images = releaseImages(release, env, []);
  const pods = new Set<string>();
  for (const image of images) {
    if (!image.reference || !image.pulled || !image.chart) continue;
    const rulesFor = image.path === 'helmchart-v1beta2' || image.path === 'helm-cli';
    if (!rulesFor) continue;
    notProxied(image, release, env, add);
    airgapMissing(image, release, add);
    pullSecrets(image, release, env, pods, add);
  }
  return byFile;
}

type Add = (anchor: Anchor, finding: Omit<Finding, 'start' | 'end'>) => void;

// ---- Where a finding goes ------------------------------------------------------------------------

function firstSegment(image: ReleaseImage): Segment | undefined {
  return image.segments?.find((segment) => segment.text !== '');
}

/** KOTS installs: the HelmChart value the image text comes from, else the HelmChart's `chart.name`. */
function helmChartAnchor(image: ReleaseImage): Anchor | undefined {
  const helmChart = image.helmChart;
  if (!helmChart) return undefined;
  const own = image.segments?.filter((segment) => segment.origin && segment.origin.file === helmChart.file && segment.origin.entry === undefined && segment.origin.label.startsWith('HelmChart')) ?? [];
  const preferred = own.find((segment) => /\.(repository|image|name)$/.test(segment.origin?.label ?? '')) ?? own[0];
  if (preferred?.origin) return { file: helmChart.file, start: preferred.origin.start, end: preferred.origin.end };
  const node = helmChart.chartNameNode;
  return node ? { file: helmChart.file, start: node.start, end: node.end } : undefined;
}

/** Helm CLI installs: the chart's values.yaml value, else the template line (workspace files only). */
function chartAnchor(image: ReleaseImage, release: Release): Anchor | undefined {
  const fromValues = image.segments?.find((segment) => segment.origin && segment.origin.entry === undefined && segment.origin.label.startsWith('.Values'));
  if (fromValues?.origin) return { file: fromValues.origin.file, start: fromValues.origin.start, end: fromValues.origin.end };
  if (image.source.entry === undefined) return { file: image.source.file, start: image.source.start, end: image.source.end };
  // A packaged chart: on the HelmChart that names it, if any.
  const named = release.helmCharts.find((helmChart) => helmChart.chart === image.chart && helmChart.chartNameNode);
  return named?.chartNameNode ? { file: named.file, start: named.chartNameNode.start, end: named.chartNameNode.end } : undefined;
}

function relatedOf(image: ReleaseImage, anchor: Anchor): RelatedLocation[] | undefined {
  const related: RelatedLocation[] = [];
  if (image.source.entry === undefined && image.source.file !== anchor.file) {
    related.push({ file: image.source.file, start: image.source.start, end: image.source.end, message: `the pod's image, rendered as "${image.reference ?? ''}"` });
  }
  for (const segment of image.segments ?? []) {
    const origin = segment.origin;
    if (!origin || origin.entry !== undefined || origin.file === anchor.file || origin.label === 'template text') continue;
    related.push({ file: origin.file, start: origin.start, end: origin.end, message: `${origin.label} = "${segment.text}"` });
  }
  return related.length > 0 ? related : undefined;
}

/** `in charts/api-1.0.tgz (api/templates/deployment.yaml)`, for images that live in an archive. */
function archiveNote(image: ReleaseImage, release: Release): string {
  return image.source.entry !== undefined ? ` (in ${describeKey(`${image.source.file}#${image.source.entry}`, release.root)})` : '';
}

// ---- not-proxied ---------------------------------------------------------------------------------

function notProxied(image: ReleaseImage, release: Release, env: AnalysisEnvironment, add: Add): void {
  if (image.mode === 'airgap' || image.via !== 'direct') return;
  const pulled = image.pulled as string;
  if (isPrivateImage(pulled, env) !== true) return;
  const parsed = parseImageReference(pulled);
  if (!parsed.ok) return;
  const placement = placeReference(parsed.reference, env.config);
  const registry = placement.kind === 'connected' ? `the team's registry "${placement.entry.slug}"` : parsed.reference.domain;
  const app = env.config.app;
  const problem = proxyRewriteProblem(parsed.reference);
  const proxied = app && !problem ? toProxyReference(parsed.reference, app, customerProxyDomain(env.config.customDomains.proxy)) : undefined;
  const next = problem ? problem : proxied ? `write the proxy reference ${proxied}` : 'write the proxy reference <proxy-domain>/proxy/<app-slug>/<image> (set app: in .replicated-registries.yaml to get it spelled out)';
  if (image.mode === 'online') {
    const anchor = helmChartAnchor(image);
    if (!anchor) return;
    const helmChart = image.helmChart as ReleaseHelmChart;
    const fixes = proxied ? notProxiedHelmChartFix(image, helmChart, release, env, proxied) : [];
    add(anchor, {
      code: 'not-proxied',
      severity: nominalSeverity('not-proxied'),
      message: `customers pull "${pulled}"${archiveNote(image, release)} straight from ${registry}, not through the Replicated proxy: KOTS does not rewrite HelmChart v2 charts, and customers have no credentials there, so the online install fails; ${next} in this HelmChart's values${release.modes.includes('airgap') ? ' (with a HasLocalRegistry ternary for air gap installs)' : ''}`,
      reference: pulled,
      ...withRelated(image, anchor),
      data: { mode: 'online', canonical: parsed.reference.canonical, ...(proxied ? { proxyReference: proxied } : {}), ...(fixes.length > 0 ? { fixes } : {}) },
    });
    return;
  }
  const anchor = chartAnchor(image, release);
  if (!anchor) return;
  const fixes = proxied ? notProxiedValuesFix(image, anchor, env, proxied) : [];
  add(anchor, {
    code: 'not-proxied',
    severity: nominalSeverity('not-proxied'),
    message: `Helm CLI installs pull "${pulled}"${archiveNote(image, release)} straight from ${registry}, not through the Replicated proxy (nothing rewrites a chart installed with Helm), and customers have no credentials there; ${next} in the chart's values`,
    reference: pulled,
    ...withRelated(image, anchor),
    data: { mode: 'helm', canonical: parsed.reference.canonical, ...(proxied ? { proxyReference: proxied } : {}), ...(fixes.length > 0 ? { fixes } : {}) },
  });
}

function withRelated(image: ReleaseImage, anchor: Anchor): { related?: RelatedLocation[] } {
  const related = relatedOf(image, anchor);
  return related ? { related } : {};
}

/** The HelmChart `spec.values` YNode scalar at `keys`, when written literally. */
function helmChartScalar(helmChart: ReleaseHelmChart, keys: string[]): YScalar | undefined {
  let node: YNode | null | undefined = helmChart.values;
  for (const key of keys) node = mapGet(node, key);
  return node && node.type === 'scalar' && node.style !== 'block' ? node : undefined;
}

function fullValueAt(image: ReleaseImage, segment: Segment): string | undefined {
  const origin = segment.origin;
  if (!origin?.path || !image.chart) return undefined;
  const value: Value = origin.label.startsWith('.Values') ? lookUp(chartDefaults(image.chart), origin.path) : { kind: 'nil' };
  if (origin.label.startsWith('HelmChart values') && image.helmChart) {
    const scalar = helmChartScalar(image.helmChart, origin.path);
    return scalar && !/repl\{\{|\{\{repl/.test(scalar.value) ? scalar.value : undefined;
  }
  return value.kind === 'string' ? value.segments.map((piece) => piece.text).join('') : undefined;
}

/**
 * The HelmChart values edit that makes the image the proxy reference: the value holding the start of
 * the reference gets the proxy prefix (`ghcr.io` → `proxy.replicated.com/proxy/app/ghcr.io`, as the
 * docs' split example does). Where the app supports air gap, a `HasLocalRegistry` ternary picks the
 * local registry instead (`<LocalRegistryAddress>/<name>:<tag>`, where KOTS pushes the image).
 */
function notProxiedHelmChartFix(image: ReleaseImage, helmChart: ReleaseHelmChart, release: Release, env: AnalysisEnvironment, proxied: string): FindingFix[] {
  const first = firstSegment(image);
  const origin = first?.origin;
  const reference = image.reference as string;
  if (!first || !origin?.path || (!origin.label.startsWith('HelmChart values') && !origin.label.startsWith('.Values'))) return [];
  const value = fullValueAt(image, first);
  // The value must start the reference (a template literal before it cannot be fixed through values).
  if (value === undefined || !reference.startsWith(value.slice(0, Math.min(value.length, first.text.length))) || !value.startsWith(first.text)) return [];
  const prefix = proxied.slice(0, proxied.length - reference.length);
  if (!proxied.endsWith(reference) || prefix === '') return [];
  const keys = ['spec', 'values', ...origin.path];
  const airgap = release.modes.includes('airgap');
  const assignments: Parameters<typeof setYamlValues>[3] = [];
  if (!airgap) {
    assignments.push({ keys, value: { scalar: yamlScalar(`${prefix}${value}`) } });
  } else if (value === reference) {
    const last = localName(reference);
    if (!last) return [];
    assignments.push({ keys, value: { scalar: kotsTernary(`(print LocalRegistryAddress "/${last}")`, `${prefix}${value}`) } });
  } else {
    // Split registry / repository: the registry becomes the local host, the repository its namespace + name.
    const second = image.segments?.filter((segment) => segment.text !== '')[2];
    const repositoryOrigin = second?.origin;
    const repositoryValue = second ? fullValueAt(image, second) : undefined;
    if (!repositoryOrigin?.path || repositoryValue === undefined || !/^\/?$/.test(image.segments?.filter((segment) => segment.text !== '')[1]?.text ?? '')) return [];
    const name = repositoryValue.slice(repositoryValue.lastIndexOf('/') + 1);
    assignments.push({ keys, value: { scalar: kotsTernary('LocalRegistryHost', `${prefix}${value}`) } });
    assignments.push({ keys: ['spec', 'values', ...repositoryOrigin.path], value: { scalar: kotsTernary(`(print LocalRegistryNamespace "/${name}")`, repositoryValue) } });
  }
  const edit = setYamlValues(helmChart.text, helmChart.document, helmChart.file, assignments);
  if (!edit) return [];
  return [{ title: `Pull through the proxy: ${proxied}${airgap ? ' (local registry when HasLocalRegistry)' : ''}, in the HelmChart values`, edits: [edit] }];
}

function kotsTernary(whenLocal: string, online: string): string {
  return `'repl{{ HasLocalRegistry | ternary ${whenLocal} "${online.replace(/"/g, '\\"')}" }}'`;
}

/** `name:tag` (or `name@digest`): what the image is called on the local registry, after its namespace. */
function localName(reference: string): string | undefined {
  const parsed = parseImageReference(reference);
  if (!parsed.ok) return undefined;
  const ref = parsed.reference;
  return `${ref.path.slice(ref.path.lastIndexOf('/') + 1)}${ref.digest ? `@${ref.digest}` : `:${ref.tag ?? 'latest'}`}`;
}

/** Helm CLI: the proxy prefix inserted at the start of the values.yaml value that starts the reference. */
function notProxiedValuesFix(image: ReleaseImage, anchor: Anchor, env: AnalysisEnvironment, proxied: string): FindingFix[] {
  const first = firstSegment(image);
  const origin = first?.origin;
  const reference = image.reference as string;
  if (!first || !origin || origin.file !== anchor.file || !origin.label.startsWith('.Values')) return [];
  const value = fullValueAt(image, first);
  if (value === undefined || !value.startsWith(first.text) || origin.end - origin.start !== first.text.length) return [];
  const prefix = proxied.slice(0, proxied.length - reference.length);
  if (!proxied.endsWith(reference) || prefix === '') return [];
  void env;
  return [{ title: `Pull through the proxy: ${proxied}, in the chart's values.yaml`, edits: [{ file: origin.file, start: origin.start, end: origin.start, newText: prefix }] }];
}

// ---- airgap-missing ------------------------------------------------------------------------------

function airgapMissing(image: ReleaseImage, release: Release, add: Add): void {
  if (image.mode !== 'airgap' || image.path !== 'helmchart-v1beta2') return;
  const anchor = helmChartAnchor(image);
  if (!anchor) return;
  const pulled = image.pulled as string;
  const base = { code: 'airgap-missing' as const, severity: nominalSeverity('airgap-missing'), reference: pulled, ...withRelated(image, anchor) };
  const why = release.modesInferred ? ` (air gap is checked because ${release.modeReasons.airgap ?? 'the release supports it'}; set installModes in .replicated-registries.yaml to choose)` : '';
  if (image.via === 'proxy' || image.via === 'direct' || image.via === 'replicated-registry') {
    add(anchor, {
      ...base,
      message: `in an air gap install this pod pulls "${pulled}" from ${image.via === 'direct' ? 'its registry' : image.via === 'proxy' ? 'the Replicated proxy' : 'the Replicated registry'}, which an air-gapped cluster cannot reach: KOTS pushes the bundle's images to the local registry but does not rewrite HelmChart v2 values; set the value to LocalRegistryHost / LocalRegistryNamespace when HasLocalRegistry (an optionalValues entry or a ternary)${why}`,
      data: { mode: 'airgap' },
    });
    return;
  }
  if (image.via === 'local-registry' && image.inBundle === false) {
    const local = (reference: string): string => reference.replace(/^local-registry\.invalid\//, '<local registry>/');
    add(anchor, {
      ...base,
      message: image.bundledAs
        ? `in an air gap install this pod pulls "${local(pulled)}", but KOTS pushes that image to "${local(image.bundledAs)}" (<LocalRegistryHost>/<LocalRegistryNamespace>/<name>); build the value from LocalRegistryNamespace (or LocalRegistryAddress)${why}`
        : `in an air gap install this pod pulls "${local(pulled)}", but the air gap bundle will not have it: the chart rendered with this HelmChart's builder values does not use that image (KOTS pushes what the builder render uses); add the builder values that enable it${why}`,
      data: { mode: 'airgap' },
    });
  }
}

// ---- pull-secret-missing and dockerhub-rate-limit ---------------------------------------------------

/** The values a chart renders with in this image's mode (every outcome; undefined when they disagree). */
function valuesFor(image: ReleaseImage, release: Release, env: AnalysisEnvironment): Value[] {
  const chart = image.chart;
  if (!chart) return [];
  const mode = image.mode === 'helm' ? 'helm' : image.mode;
  const functions = mode === 'helm' ? undefined : kotsFunctionsFor(release, env, mode);
  return explore((decisions) => effectiveValues(chart, mode === 'helm' ? undefined : image.helmChart, mode, functions, decisions).values).outcomes.map((outcome) => outcome.result);
}

function pullSecrets(image: ReleaseImage, release: Release, env: AnalysisEnvironment, seen: Set<string>, add: Add): void {
  if (image.mode === 'airgap') return;
  const chart = image.chart;
  // Pods of the chart's own templates (a subchart's pods read the subchart's values).
  if (!chart || (image.helmChart && image.helmChart.chart !== chart)) return;
  const template = chart.templates.find((file) => fileOfKey(file.key).file === image.source.file && fileOfKey(file.key).entry === image.source.entry);
  if (!template) return;
  const pod = podPullSecretsAt(template.text, image.source.start);
  if (!pod) return;
  const app = env.config.app;
  if (image.via === 'proxy' || image.via === 'replicated-registry') {
    const key = `${template.key}\u0000${pod.containersLineStart}\u0000${image.mode}`;
    if (seen.has(key)) return;
    const wanted = image.mode === 'helm' ? 'enterprise-pull-secret' : app ? `${app}-registry` : undefined;
    const provided = pod.hasSource ? decide(pod, valuesFor(image, release, env), (name) => (wanted ? name === wanted : name.endsWith('-registry'))) : false;
    if (provided !== false) return;
    seen.add(key);
    reportPullSecret(image, pod, template.key, release, env, add);
    return;
  }
  if (image.mode === 'online' && image.via === 'direct' && image.path === 'helmchart-v1beta2') {
    const parsed = parseImageReference(image.pulled as string);
    if (!parsed.ok || parsed.reference.domain !== 'docker.io' || isPrivateImage(image.pulled as string, env) === true) return;
    const key = `${template.key}\u0000${pod.containersLineStart}\u0000dockerhub\u0000${image.pulled as string}`;
    if (seen.has(key)) return;
    seen.add(key);
    const provided = pod.hasSource ? decide(pod, valuesFor(image, release, env), (name) => name.endsWith('-kotsadm-dockerhub')) : false;
    if (provided !== false) return;
    const anchor = helmChartAnchor(image);
    if (!anchor) return;
    add(anchor, {
      code: 'dockerhub-rate-limit',
      severity: nominalSeverity('dockerhub-rate-limit'),
      message: `customers pull the public Docker Hub image "${parsed.reference.familiar}" anonymously, so Docker Hub's rate limits apply to their installs; add the ${app ?? '<app-slug>'}-kotsadm-dockerhub pull secret to this pod (a pullSecrets value in the HelmChart, templated into the pod), as Replicated's HelmChart v2 guide asks: https://docs.replicated.com/vendor/helm-native-v2-using`,
      reference: image.pulled as string,
      ...withRelated(image, anchor),
      data: { mode: 'online' },
    });
  }
}

/** A secret is missing only when every outcome of the values says so. */
function decide(pod: PodPullSecrets, values: Value[], wanted: (name: string) => boolean): boolean | undefined {
  let result: boolean | undefined = false;
  for (const value of values) {
    const provided = providesPullSecret(pod, value, wanted);
    if (provided === true) return true;
    if (provided === undefined) result = undefined;
  }
  return result;
}

function reportPullSecret(image: ReleaseImage, pod: PodPullSecrets, templateKey: string, release: Release, env: AnalysisEnvironment, add: Add): void {
  const app = env.config.app;
  const inWorkspace = fileOfKey(templateKey).entry === undefined;
  const helmMode = image.mode === 'helm';
  const where = image.via === 'proxy' ? 'the Replicated proxy' : 'the Replicated registry';
  const anchor: Anchor | undefined = inWorkspace && !pod.hasSource ? { file: image.source.file, start: image.source.start, end: image.source.end } : helmMode ? chartAnchor(image, release) : helmChartAnchor(image);
  if (!anchor) return;
  const fixes: FindingFix[] = [];
  const helmChart = image.helmChart;
  if (helmMode) {
    if (inWorkspace && !pod.hasSource) {
      fixes.push({ title: 'Add imagePullSecrets: enterprise-pull-secret (created by the Replicated SDK)', edits: [{ file: image.source.file, start: pod.containersLineStart, end: pod.containersLineStart, newText: `${pod.indent}imagePullSecrets:\n${pod.indent}  - name: enterprise-pull-secret\n` }] });
    }
  } else if (helmChart) {
    const secretValue = { block: [`- name: '{{repl ImagePullSecretName }}'`] };
    const valuesKeys = pod.hasSource ? pod.valuesPaths[0] : ['imagePullSecrets'];
    const valuesEdit = valuesKeys ? setYamlValues(helmChart.text, helmChart.document, helmChart.file, [{ keys: ['spec', 'values', ...valuesKeys], value: secretValue }]) : undefined;
    if (valuesEdit) {
      const edits = [valuesEdit];
      if (!pod.hasSource && inWorkspace) {
        const indent = pod.indent;
        edits.push({ file: image.source.file, start: pod.containersLineStart, end: pod.containersLineStart, newText: `${indent}{{- with .Values.imagePullSecrets }}\n${indent}imagePullSecrets:\n${indent}  {{- toYaml . | nindent ${indent.length + 2} }}\n${indent}{{- end }}\n` });
      }
      if (pod.hasSource || inWorkspace) fixes.push({ title: `Add the KOTS pull secret (ImagePullSecretName) to ${pod.hasSource ? `${(valuesKeys ?? []).join('.')} in the HelmChart values` : "the pod's imagePullSecrets and the HelmChart values"}`, edits });
    }
  }
  const missing = pod.hasSource
    ? helmMode
      ? 'its imagePullSecrets do not include enterprise-pull-secret with the chart\'s values'
      : `its imagePullSecrets come from ${pod.valuesPaths.map((keys) => `.Values.${keys.join('.')}`).join(', ') || 'values'}, which this HelmChart does not set to '{{repl ImagePullSecretName }}'`
    : 'the pod has no imagePullSecrets';
  const provider = helmMode ? `the Replicated SDK's enterprise-pull-secret (docs/vendor/helm-image-registry.mdx)` : `KOTS's pull secret: add '{{repl ImagePullSecretName }}' (${app ? `${app}-registry` : '<app-slug>-registry'}) to the HelmChart values and template it into the pod`;
  add(anchor, {
    code: 'pull-secret-missing',
    severity: nominalSeverity('pull-secret-missing'),
    message: `this pod pulls "${image.pulled as string}"${archiveNote(image, release)} through ${where}${helmMode ? ' in Helm CLI installs' : ''}, but ${missing}, so the pull is refused; use ${provider}`,
    reference: image.pulled as string,
    ...withRelated(image, anchor),
    data: { mode: image.mode, ...(fixes.length > 0 ? { fixes } : {}) },
  });
}

/** Computed once per release and configuration (every file of a lint run or a server generation shares it). */
const memo = new WeakMap<Release, WeakMap<object, Map<string, Finding[]>>>();

/** The customer-pull findings anchored in `filePath`. */
export function customerFindingsIn(filePath: string, release: Release, env: AnalysisEnvironment): Finding[] {
  let byConfig = memo.get(release);
  if (!byConfig) {
    byConfig = new WeakMap();
    memo.set(release, byConfig);
  }
  let byFile = byConfig.get(env.config);
  if (!byFile) {
    byFile = customerFindings(release, env);
    byConfig.set(env.config, byFile);
  }
  return (byFile.get(filePath) ?? []).map((finding) => ({ ...finding }));
}
