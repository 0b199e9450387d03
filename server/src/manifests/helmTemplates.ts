/**
 * Helm chart templates: an image built from plain `.Values.a.b` look-ups is resolved from the chart's
 * values.yaml, so it is checked like any other reference, with the finding on the template and the
 * values location attached as related information.
 */
import path from 'node:path';
import type { AnalysisEnvironment, FoundImage, ImagePart, ImagePartRole, RelatedLocation } from '../findings/types';
import { splitDocuments } from './documents';
import { documentTree, toFoundImage } from './findImages';
import { mapGet, isNullScalar, type YNode, type YScalar } from './yamlTree';

/** The chart folder of a file under `<chart>/templates/`, or undefined. */
export function chartDirOf(filePath: string): string | undefined {
  const normalized = filePath.replace(/\\/g, '/');
  const at = normalized.lastIndexOf('/templates/');
  if (at < 0) return undefined;
  return filePath.slice(0, at) || '.';
}

/** Replaces resolvable template images by their resolved form; everything else is returned as is. */
export async function resolveHelmTemplateImages(images: FoundImage[], filePath: string, env: Pick<AnalysisEnvironment, 'readFile' | 'readFileSync' | 'config'>): Promise<FoundImage[]> {
  const readSync = env.readFileSync?.bind(env);
  const read = env.readFile?.bind(env) ?? (readSync ? (file: string) => Promise.resolve(readSync(file)) : undefined);
  if (!images.some((image) => image.helmTemplate) || !read) return images;
  const chartDir = chartDirOf(filePath);
  if (!chartDir) return images;
  const [chartYaml, valuesText] = await Promise.all([read(path.join(chartDir, 'Chart.yaml')), read(path.join(chartDir, 'values.yaml'))]);
  if (chartYaml === undefined || valuesText === undefined) return images;
  const valuesPath = path.join(chartDir, 'values.yaml');
  const firstDocument = splitDocuments(valuesText)[0] ?? { start: 0, end: valuesText.length };
  const root = documentTree(valuesText, firstDocument, 'helm-values').root;
  return images.map((image) => resolveOne(image, root, valuesPath, env.config.customDomains.proxy) ?? image);
}

function resolveOne(image: FoundImage, values: YNode | null, valuesPath: string, proxyDomains: string[]): FoundImage | undefined {
  if (!image.helmTemplate) return undefined;
  let text = '';
  const parts: ImagePart[] = [];
  const related: RelatedLocation[] = [];
  for (const piece of image.helmTemplate.pieces) {
    if ('literal' in piece) {
      text += piece.literal;
      continue;
    }
    const scalar = lookUp(values, piece.valuesPath);
    const expression = `.Values.${piece.valuesPath.join('.')}`;
    if (scalar) {
      text += scalar.value;
      parts.push({ role: roleOf(piece.valuesPath), start: scalar.start, end: scalar.end, text: scalar.value, file: valuesPath });
      related.push({ file: valuesPath, start: scalar.start, end: scalar.end, message: `${expression} = "${scalar.value}"` });
    } else if (piece.defaultLiteral !== undefined) {
      text += piece.defaultLiteral;
    } else {
      return undefined;
    }
  }
  if (text.includes('{{')) return undefined;
  const resolved = toFoundImage({ text, start: image.start, end: image.end, kind: 'helm-template', exact: false }, proxyDomains);
  return { ...resolved, parts, related };
}

function lookUp(values: YNode | null, keys: string[]): YScalar | undefined {
  let node: YNode | null | undefined = values;
  for (const key of keys) node = mapGet(node, key);
  if (!node || node.type !== 'scalar' || node.style === 'block' || isNullScalar(node) || node.value === '') return undefined;
  return node;
}

function roleOf(keys: string[]): ImagePartRole {
  const last = (keys[keys.length - 1] ?? '').toLowerCase();
  if (last === 'registry' || last === 'imageregistry') return 'registry';
  if (last === 'repository' || last === 'repo' || last === 'name') return 'repository';
  if (last === 'tag' || last === 'version') return 'tag';
  if (last === 'digest') return 'digest';
  return 'image';
}
