/**
 * Where image references live, recognised by shape over a YNode tree: pod specs of any kind, KOTS
 * Application images, troubleshoot collectors, KOTS HelmChart values, Helm values image blocks,
 * Compose services and Kustomize `images:`. Pure: no parsing of references, no I/O.
 */
import type { ImageKind, ImagePart, ImagePartRole } from '../analysis/types';
import { isNullScalar, mapGet, type YMap, type YNode, type YScalar } from './yamlTree';

/** What kind of file the document sits in (from its name and place), which decides some shapes. */
export type FileRole = 'manifest' | 'helm-values' | 'helm-template' | 'compose' | 'kustomization';

/** An image found by shape, before its text is parsed as a reference. */
export interface RawImage {
  text: string;
  start: number;
  end: number;
  kind: ImageKind;
  exact: boolean;
  /** Assembled from several scalars (Helm image block, Kustomize entry): where each piece sits. */
  parts?: Array<ImagePart & { offsetInText: number }>;
}

const POD_CONTAINER_KEYS = ['containers', 'initContainers', 'ephemeralContainers'];
const MAX_DEPTH = 100;

export function fileRoleOf(filePath: string): FileRole {
  const normalized = filePath.replace(/\\/g, '/');
  const base = normalized.slice(normalized.lastIndexOf('/') + 1).toLowerCase();
  if (/(^|\/)templates\/.+\.(ya?ml|tpl)$/i.test(normalized)) return 'helm-template';
  if (/^values([.-][^/]*)?\.ya?ml$/.test(base)) return 'helm-values';
  if (/^(docker-)?compose([.-][^/]*)?\.ya?ml$/.test(base)) return 'compose';
  if (/^kustomization\.ya?ml$/.test(base)) return 'kustomization';
  return 'manifest';
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

  constructor(private readonly role: FileRole) {}

  document(root: YNode): void {
    const apiVersion = scalarText(mapGet(root, 'apiVersion')) ?? '';
    const kind = scalarText(mapGet(root, 'kind')) ?? '';
    const spec = mapGet(root, 'spec');
    const containerKind: ImageKind = this.role === 'helm-template' ? 'helm-template' : 'container';
    this.podSpecs(root, 0, containerKind);

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
    const hasKubernetesHeader = apiVersion !== '' && kind !== '';
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
  }

  /** Every `containers` / `initContainers` / `ephemeralContainers` list anywhere in the tree. */
  private podSpecs(node: YNode | null, depth: number, kind: ImageKind): void {
    if (!node || node.type === 'scalar' || depth > MAX_DEPTH) return;
    if (node.type === 'seq') {
      for (const item of node.items) this.podSpecs(item, depth + 1, kind);
      return;
    }
    for (let i = 0; i < node.keys.length; i++) {
      const value = node.values[i] ?? null;
      if (value && value.type === 'seq' && POD_CONTAINER_KEYS.includes(node.keys[i] as string)) {
        for (const container of value.items) {
          if (container && container.type === 'map') this.scalarImage(mapGet(container, 'image'), kind);
        }
      }
      this.podSpecs(value, depth + 1, kind);
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
          this.scalarImage(value, kind);
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

/** A non-empty, non-null scalar (block scalars included: `image: >-` is an image too). */
function usableScalar(node: YNode | null | undefined): YScalar | undefined {
  if (!node || node.type !== 'scalar' || isNullScalar(node)) return undefined;
  if (node.value.trim() === '') return undefined;
  return node;
}

function scalarText(node: YNode | null | undefined): string | undefined {
  return node && node.type === 'scalar' && node.style !== 'block' ? node.value : undefined;
}
