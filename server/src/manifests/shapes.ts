/**
 * Where image references live, recognised by shape over a YNode tree: pod specs of any kind, KOTS
 * Application images, troubleshoot collectors, KOTS HelmChart values, Helm values image blocks,
 * Compose services and Kustomize `images:`; in any other Kubernetes resource (custom resources: Argo,
 * Tekton, operators' CRs) an `image` key, or an `imageName` / `*Image` key, whose string value parses as
 * a reference. Pure: no I/O.
 */
import type { ImageKind, ImagePart, ImagePartRole } from '../findings/types';
import { parseImageReference } from '../reference/imageReference';
import { isNullScalar, mapGet, type YMap, type YNode, type YScalar } from '../yaml/yamlTree';

/** What kind of file the document sits in (from its name and place), which decides some shapes. */
export type FileRole = 'manifest' | 'helm-values' | 'helm-template' | 'compose' | 'kustomization';

/** An image found by shape, before its text is parsed as a reference. */
export interface RawImage {
  text: string;
  start: number;
  end: number;
  kind: ImageKind;
  exact: boolean;
  /** A Compose image whose `${VAR}` were already substituted (a `$` left in it is text). */
  interpolated?: boolean;
  /** Assembled from several scalars (Helm image block, Kustomize entry): where each piece sits. */
  parts?: Array<ImagePart & { offsetInText: number }>;
}

const MAX_DEPTH = 100;

/**
 * Subtrees the resource rule never looks in, because an `image` key there is not a container image:
 * object metadata (labels, annotations), observed state, Ceph RBD volumes (`rbd.image` is an RBD image
 * name), CSI volume attributes (ceph-csi's `imageName` is a volume name).
 */
function isNotImageSubtree(key: string): boolean {
  return key === 'metadata' || key === 'status' || key === 'rbd' || key === 'volumeAttributes';
}

/**
 * API groups whose `image` keys name something other than a container image to pull: machine images of
 * Cluster API providers and Crossplane's cloud resources (`image: ubuntu-2204` is a VM image), and Flux's
 * image automation (ImageRepository names a repository to scan, not an image to run).
 */
const NOT_CONTAINER_IMAGE_GROUPS = ['infrastructure.cluster.x-k8s.io', 'upbound.io', 'crossplane.io', 'image.toolkit.fluxcd.io'];

/** `baseImage` (Prometheus Operator's deprecated repository-without-tag field) is not a whole reference. */
const NOT_IMAGE_KEYS = new Set(['baseImage']);

/** How a key of a resource names an image: `image` itself, or a variant (`imageName`, `configReloaderImage`). */
function imageKeyKind(key: string): 'image' | 'variant' | undefined {
  if (key === 'image') return 'image';
  if (key === 'imageName') return 'variant';
  // `*Image`: tested by its last character first, since this runs for every key of every resource.
  if (key.length > 5 && key.charCodeAt(key.length - 1) === 101 /* e */ && key.endsWith('Image') && isLowerAscii(key.charCodeAt(0)) && !NOT_IMAGE_KEYS.has(key)) return 'variant';
  return undefined;
}

/** A value the resource rule will look at once the rules of known kinds have run. */
interface ResourceCandidate {
  node: YNode;
  keyKind: 'image' | 'variant';
}

function isLowerAscii(code: number): boolean {
  return code >= 97 && code <= 122;
}

/** ConfigMaps and Secrets hold opaque key/value payloads: their `image` keys mean whatever the reader wants. */
function isOpaqueData(apiVersion: string, kind: string): boolean {
  return apiVersion === 'v1' && (kind === 'ConfigMap' || kind === 'Secret');
}

function apiGroupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** `group` is one of `groups` or a subgroup of one (`x.upbound.io`); asked once per document, so no closure or string is made. */
function inGroups(group: string, groups: readonly string[]): boolean {
  for (let i = 0; i < groups.length; i++) {
    const candidate = groups[i] as string;
    if (group === candidate) return true;
    const dot = group.length - candidate.length - 1;
    if (dot >= 0 && group.charCodeAt(dot) === 46 /* . */ && group.endsWith(candidate)) return true;
  }
  return false;
}

export function fileRoleOf(filePath: string): FileRole {
  const normalized = filePath.replace(/\\/g, '/');
  const base = normalized.slice(normalized.lastIndexOf('/') + 1).toLowerCase();
  if (/(^|\/)templates\/.+\.(ya?ml|tpl)$/i.test(normalized)) return 'helm-template';
  if (/^values([.-][^/]*)?\.ya?ml$/.test(base)) return 'helm-values';
  if (/^(docker-)?compose([.-][^/]*)?\.ya?ml$/.test(base)) return 'compose';
  if (/^kustomization\.ya?ml$/.test(base)) return 'kustomization';
  return 'manifest';
}

function inOrder(images: RawImage[]): boolean {
  for (let i = 1; i < images.length; i++) if ((images[i - 1] as RawImage).start > (images[i] as RawImage).start) return false;
  return true;
}

export function imagesInDocument(root: YNode | null, role: FileRole): RawImage[] {
  if (!root) return [];
  const found = new Finder(role);
  found.document(root);
  return found.images;
}

class Finder {
  readonly images: RawImage[] = [];
  private readonly seen = new Set<number>();

  /** Chart templates' images are resolved from values.yaml later, so they keep the template kind. */
  private readonly resourceKind: ImageKind;

  constructor(private readonly role: FileRole) {
    this.resourceKind = role === 'helm-template' ? 'helm-template' : 'resource';
  }

  document(root: YNode): void {
    const apiVersion = scalarText(mapGet(root, 'apiVersion')) ?? '';
    const kind = scalarText(mapGet(root, 'kind')) ?? '';
    const spec = mapGet(root, 'spec');
    const containerKind: ImageKind = this.role === 'helm-template' ? 'helm-template' : 'container';
    const hasKubernetesHeader = apiVersion !== '' && kind !== '';
    // One walk for both: the pod-spec rule claims container images now; the resource rule's candidates
    // wait until the rules of known kinds below have claimed theirs (the first rule to claim names the kind).
    const resourceCandidates: ResourceCandidate[] | undefined =
      hasKubernetesHeader && !isOpaqueData(apiVersion, kind) && !inGroups(apiGroupOf(apiVersion), NOT_CONTAINER_IMAGE_GROUPS) ? [] : undefined;
    this.walk(root, 0, containerKind, resourceCandidates);

    if (apiVersion.startsWith('kots.io/') && kind === 'Application') {
      this.scalarList(mapGet(spec, 'additionalImages'), 'additional-image');
      this.scalarList(mapGet(spec, 'excludedImages'), 'excluded-image');
    }
    if (apiVersion.startsWith('troubleshoot.sh/') || apiVersion.startsWith('troubleshoot.replicated.com/')) {
      this.collectors(spec, 0);
    }
    if (apiVersion.startsWith('kots.io/') && kind === 'HelmChart') {
      const helmChartKind: ImageKind = 'helmchart-values';
      this.helmValues(mapGet(spec, 'values'), undefined, 0, helmChartKind);
      const optional = mapGet(spec, 'optionalValues');
      if (optional && optional.type === 'seq') {
        for (const entry of optional.items) this.helmValues(mapGet(entry, 'values'), undefined, 0, helmChartKind);
      }
      this.helmValues(mapGet(spec, 'builder'), undefined, 0, helmChartKind);
    }
    if (this.role === 'helm-values' && !hasKubernetesHeader) {
      const globalRegistry = mapGet(mapGet(root, 'global'), 'imageRegistry');
      const registry = globalRegistry && globalRegistry.type === 'scalar' && !isNullScalar(globalRegistry) && globalRegistry.value !== '' ? globalRegistry : undefined;
      this.helmValues(root, registry, 0, 'helm-values');
    }
    const services = mapGet(root, 'services');
    if (!hasKubernetesHeader && services && services.type === 'map' && (this.role === 'compose' || this.role === 'manifest')) {
      for (const service of services.values) this.scalarImage(mapGet(service, 'image'), 'compose');
    }
    if (this.role === 'kustomization' || (apiVersion.startsWith('kustomize.config.k8s.io/') && kind === 'Kustomization')) {
      this.kustomizeImages(mapGet(root, 'images'));
    }
    if (hasKubernetesHeader) this.knownResourceKinds(apiVersion, kind, spec);
    if (resourceCandidates) {
      for (const candidate of resourceCandidates) {
        if (candidate.node.type === 'map') this.imageBlock(candidate.node, undefined, this.resourceKind);
        else this.resourceScalar(candidate.node, candidate.keyKind);
      }
    }
    // The rules above run in order of precedence (the first to claim a scalar names its kind); report in
    // document order. Usually they found them in that order already: a sort per document allocated ~3 MB
    // of work arrays on the 5,000-document benchmark manifest.
    if (!inOrder(this.images)) this.images.sort((a, b) => a.start - b.start);
  }

  /**
   * Kinds whose images the resource rule cannot see: Tekton parameters naming an image
   * (`BUILDER_IMAGE` with a `default` or `value`), Argo CD's Kustomize image overrides
   * (`old=new:tag`), and Helm values embedded in Argo CD Applications and Flux HelmReleases.
   */
  private knownResourceKinds(apiVersion: string, kind: string, spec: YNode | null | undefined): void {
    const group = apiGroupOf(apiVersion);
    if (group === 'tekton.dev') this.tektonImageParams(spec, 0);
    if (group === 'argoproj.io' && (kind === 'Application' || kind === 'ApplicationSet')) this.argoCdSources(spec, 0);
    if (group === 'helm.toolkit.fluxcd.io' && kind === 'HelmRelease') this.helmValues(mapGet(spec, 'values'), undefined, 0, 'helm-values');
  }

  /** Tekton `params` entries anywhere (Task, Pipeline, its tasks, runs) whose name ends in `image` after a prefix. */
  private tektonImageParams(node: YNode | null | undefined, depth: number): void {
    if (!node || node.type === 'scalar' || depth > MAX_DEPTH) return;
    if (node.type === 'seq') {
      for (const item of node.items) this.tektonImageParams(item, depth + 1);
      return;
    }
    for (let i = 0; i < node.keys.length; i++) {
      const value = node.values[i] ?? null;
      if (node.keys[i] === 'params' && value && value.type === 'seq') {
        for (const param of value.items) {
          const name = scalarText(mapGet(param, 'name')) ?? '';
          if (name.length > 5 && /image$/i.test(name) && !/^image$/i.test(name)) {
            this.resourceScalar(mapGet(param, 'default'), 'variant');
            this.resourceScalar(mapGet(param, 'value'), 'variant');
          }
        }
      }
      this.tektonImageParams(value, depth + 1);
    }
  }

  /** Argo CD `source` / `sources[]` (also under an ApplicationSet's template): Kustomize image overrides and Helm values. */
  private argoCdSources(node: YNode | null | undefined, depth: number): void {
    if (!node || node.type === 'scalar' || depth > MAX_DEPTH) return;
    if (node.type === 'seq') {
      for (const item of node.items) this.argoCdSources(item, depth + 1);
      return;
    }
    for (let i = 0; i < node.keys.length; i++) {
      const key = node.keys[i];
      const value = node.values[i] ?? null;
      if (key === 'kustomize') {
        const images = mapGet(value, 'images');
        if (images && images.type === 'seq') for (const item of images.items) this.kustomizeOverride(item);
      } else if (key === 'helm') {
        this.helmValues(mapGet(value, 'valuesObject'), undefined, 0, 'helm-values');
      } else this.argoCdSources(value, depth + 1);
    }
  }

  /** `[old=]new[:tag|@digest]`: the image is what follows `=`. */
  private kustomizeOverride(node: YNode | null | undefined): void {
    const scalar = usableScalar(node);
    if (!scalar || this.seen.has(scalar.start)) return;
    const equals = scalar.value.indexOf('=');
    const text = scalar.value.slice(equals + 1);
    if (text === '' || !parseImageReference(text).ok) return;
    this.seen.add(scalar.start);
    const exact = scalar.exact && equals >= 0;
    const start = exact ? scalar.start + equals + 1 : scalar.start;
    this.images.push({ text, start, end: scalar.end, kind: 'kustomize', exact: scalar.exact });
  }

  private resourceScalar(node: YNode | null | undefined, keyKind: 'image' | 'variant'): void {
    const scalar = usableScalar(node);
    if (!scalar || this.seen.has(scalar.start) || !looksLikeImage(scalar, keyKind)) return;
    this.scalarImage(scalar, this.resourceKind);
  }

  /**
   * One walk of the tree for two rules. The pod-spec rule: every `containers` / `initContainers` /
   * `ephemeralContainers` list anywhere. The resource rule (when `candidates` is given): `image` /
   * `imageName` / `*Image` keys anywhere, `image: {repository, tag}` blocks and OpenShift's
   * `{kind: DockerImage, name}`, outside metadata, status and volume sources; whether each is an image
   * is decided later, from its value (resourceScalar). One walk, because walking every document twice
   * cost a 1,000-file lint about 7% more CPU.
   */
  private walk(node: YNode | null, depth: number, kind: ImageKind, candidates: ResourceCandidate[] | undefined): void {
    if (!node || node.type === 'scalar' || depth > MAX_DEPTH) return;
    if (node.type === 'seq') {
      for (const item of node.items) this.walk(item, depth + 1, kind, candidates);
      return;
    }
    const keys = node.keys;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      if (isNotImageSubtree(key)) continue;
      const value = node.values[i] ?? null;
      if (value && value.type === 'seq' && (key === 'containers' || key === 'initContainers' || key === 'ephemeralContainers')) {
        for (const container of value.items) {
          if (container && container.type === 'map') this.scalarImage(mapGet(container, 'image'), kind);
        }
      } else if (candidates && value) {
        const keyKind = imageKeyKind(key);
        if (keyKind) {
          if (value.type === 'scalar') {
            candidates.push({ node: value, keyKind });
            continue;
          }
          if (keyKind === 'image' && value.type === 'map' && mapGet(value, 'repository')) {
            candidates.push({ node: value, keyKind });
            continue;
          }
        } else if (key === 'kind' && value.type === 'scalar' && value.value === 'DockerImage') {
          const name = mapGet(node, 'name');
          if (name && name.type === 'scalar') candidates.push({ node: name, keyKind: 'variant' });
        }
      }
      this.walk(value, depth + 1, kind, candidates);
    }
  }

  /** Troubleshoot collectors that run images: `image:` anywhere under them, and `registryImages.images`. */
  private collectors(node: YNode | null | undefined, depth: number): void {
    if (!node || node.type === 'scalar' || depth > MAX_DEPTH) return;
    if (node.type === 'seq') {
      for (const item of node.items) this.collectors(item, depth + 1);
      return;
    }
    for (let i = 0; i < node.keys.length; i++) {
      const key = node.keys[i];
      const value = node.values[i] ?? null;
      if (key === 'image') this.scalarImage(value, 'collector');
      else if (key === 'registryImages') this.scalarList(mapGet(value, 'images'), 'collector');
      else this.collectors(value, depth + 1);
    }
  }

  /** Helm values: `image:` scalars and `image: {registry, repository, tag, digest}` blocks, at any depth. */
  private helmValues(node: YNode | null | undefined, globalRegistry: YScalar | undefined, depth: number, kind: ImageKind): void {
    if (!node || node.type === 'scalar' || depth > MAX_DEPTH) return;
    if (node.type === 'seq') {
      for (const item of node.items) this.helmValues(item, globalRegistry, depth + 1, kind);
      return;
    }
    for (let i = 0; i < node.keys.length; i++) {
      const key = node.keys[i] as string;
      const value = node.values[i] ?? null;
      if (key === 'image' && value) {
        if (value.type === 'scalar') {
          if (!this.siblingImageBlock(node, value, globalRegistry, kind)) this.scalarImage(value, kind);
          continue;
        }
        if (value.type === 'map' && mapGet(value, 'repository')) {
          this.imageBlock(value, globalRegistry, kind);
          continue;
        }
      }
      this.helmValues(value, globalRegistry, depth + 1, kind);
    }
  }

  private imageBlock(block: YMap, globalRegistry: YScalar | undefined, kind: ImageKind): void {
    const repository = usableScalar(mapGet(block, 'repository'));
    if (!repository) return;
    const registry = usableScalar(mapGet(block, 'registry')) ?? globalRegistry;
    const tag = usableScalar(mapGet(block, 'tag'));
    const digest = usableScalar(mapGet(block, 'digest'));
    const pieces: Array<[ImagePartRole, YScalar | undefined, string]> = [
      ['registry', registry, ''],
      ['repository', repository, registry ? '/' : ''],
      ['tag', tag, ':'],
      ['digest', digest, '@'],
    ];
    this.assembled(pieces, repository, kind);
  }

  /**
   * `{registry: ghcr.io, image: acme/api, tag: 1.4.2}`: the image's name beside its registry and tag (a shape
   * several charts use instead of `image: {registry, repository, tag}`). Read alone, `acme/api` would be a
   * Docker Hub image without a tag: two false findings. Only when `image` carries no tag or digest itself.
   */
  private siblingImageBlock(map: YMap, image: YScalar, globalRegistry: YScalar | undefined, kind: ImageKind): boolean {
    if (!usableScalar(image) || /[@]|:[^/]*$/.test(image.value)) return false;
    const registry = usableScalar(mapGet(map, 'registry'));
    const tag = usableScalar(mapGet(map, 'tag'));
    const digest = usableScalar(mapGet(map, 'digest'));
    if (!registry && !tag && !digest) return false;
    this.assembled(
      [
        ['registry', registry ?? globalRegistry, ''],
        ['repository', image, registry ?? globalRegistry ? '/' : ''],
        ['tag', tag, ':'],
        ['digest', digest, '@'],
      ],
      image,
      kind,
    );
    return true;
  }

  private kustomizeImages(list: YNode | null | undefined): void {
    if (!list || list.type !== 'seq') return;
    for (const entry of list.items) {
      if (!entry || entry.type !== 'map') continue;
      const name = usableScalar(mapGet(entry, 'name'));
      const newName = usableScalar(mapGet(entry, 'newName'));
      const newTag = usableScalar(mapGet(entry, 'newTag'));
      const digest = usableScalar(mapGet(entry, 'digest'));
      const image = newName ?? name;
      if (!image || (!newName && !newTag && !digest)) continue;
      this.assembled(
        [
          ['repository', image, ''],
          ['tag', newTag, ':'],
          ['digest', digest, '@'],
        ],
        image,
        'kustomize',
      );
    }
  }

  private assembled(pieces: Array<[ImagePartRole, YScalar | undefined, string]>, anchor: YScalar, kind: ImageKind): void {
    if (this.seen.has(anchor.start)) return;
    let text = '';
    let exact = true;
    const parts: Array<ImagePart & { offsetInText: number }> = [];
    for (const [role, scalar, separator] of pieces) {
      if (!scalar) continue;
      text += separator;
      parts.push({ role, start: scalar.start, end: scalar.end, text: scalar.value, offsetInText: text.length });
      text += scalar.value;
      exact &&= scalar.exact;
    }
    this.seen.add(anchor.start);
    this.images.push({ text, start: anchor.start, end: anchor.end, kind, exact, parts });
  }

  private scalarList(list: YNode | null | undefined, kind: ImageKind): void {
    if (!list || list.type !== 'seq') return;
    for (const item of list.items) this.scalarImage(item, kind);
  }

  private scalarImage(node: YNode | null | undefined, kind: ImageKind): void {
    const scalar = usableScalar(node);
    if (!scalar || this.seen.has(scalar.start)) return;
    this.seen.add(scalar.start);
    this.images.push({ text: scalar.value, start: scalar.start, end: scalar.end, kind, exact: scalar.exact });
  }
}

const TEMPLATE_EXPRESSION = /\{\{.*?\}\}/g;

/** Plain scalars YAML reads as booleans or numbers, not strings. */
const NON_STRING_PLAIN = /^(?:true|True|TRUE|false|False|FALSE|[-+]?\d[\d_]*(?:\.\d*)?(?:[eE][-+]?\d+)?|[-+]?\.\d+(?:[eE][-+]?\d+)?|0x[0-9a-fA-F]+|0o[0-7]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

/**
 * Whether a resource's image-named value is an image: a string that parses as a reference once template
 * expressions stand for plain text; a variant key's value must also name a registry, tag or digest.
 */
function looksLikeImage(scalar: YScalar, keyKind: 'image' | 'variant'): boolean {
  const value = scalar.value;
  if (scalar.style === 'plain' && NON_STRING_PLAIN.test(value)) return false;
  const text = value.includes('{{') ? value.replace(TEMPLATE_EXPRESSION, 'x') : value;
  if (keyKind === 'variant' && !/[/:@]/.test(text)) return false;
  return parseImageReference(text).ok;
}

/** A non-empty, non-null scalar (block scalars included: `image: >-` is an image too). */
function usableScalar(node: YNode | null | undefined): YScalar | undefined {
  if (!node || node.type !== 'scalar' || isNullScalar(node)) return undefined;
  if (node.value.trim() === '') return undefined;
  return node;
}

function scalarText(node: YNode | null | undefined): string | undefined {
  return node && node.type === 'scalar' && node.style !== 'block' ? node.value : undefined;
}
