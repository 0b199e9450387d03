/**
 * `kots-function-literal`: a KOTS template function name in an image value outside `repl{{ }}` /
 * `{{repl }}`. KOTS only evaluates its own delimiters (docs/reference/template-functions-about.mdx), so
 * the name stays in the image as text; KOTS's own linter rule `container-image-local-image-name` flags
 * `image: LocalImageName` (docs/partials/linter-rules/_container-image-local-image-name.mdx). Helm does
 * not know these functions either: in a chart template they fail the render.
 */
import type { Finding, FoundImage } from '../findings/types';
import { KOTS_FUNCTION_NAMES } from '../templates/kots';
import { fileRangeOf, relatedOf } from './ranges';
import { nominalSeverity } from './severity';

const NAMES = new RegExp(`\\b(${KOTS_FUNCTION_NAMES.join('|')})\\b`, 'g');
/** Every name starts with one of these capitals: a cheap test before the scan (most images have none). */
const MAYBE = /[CHILNR]/;
const KOTS_ACTION = /repl\{\{[\s\S]*?\}\}|\{\{repl\b[\s\S]*?\}\}/g;

/** The first KOTS function name outside KOTS delimiters, with its offset in the image text. */
export function literalKotsFunction(text: string): { name: string; at: number } | undefined {
  if (!MAYBE.test(text)) return undefined;
  const actions = [...text.matchAll(KOTS_ACTION)].map((match) => [match.index, match.index + match[0].length] as const);
  for (const match of text.matchAll(NAMES)) {
    if (actions.some(([start, end]) => match.index >= start && match.index < end)) continue;
    return { name: match[1] as string, at: match.index };
  }
  return undefined;
}

/** The image's finding, if it writes a KOTS function as text (one at most). */
export function kotsLiteralFinding(image: FoundImage): Finding | undefined {
  if (image.evaluation) return undefined;
  const literal = literalKotsFunction(image.text);
  if (!literal) return undefined;
  // Images of chart templates keep the template kind (shapes.ts), whatever their place in the pod.
  const inChart = image.kind === 'helm-template';
  const message = inChart
    ? `${literal.name} is a KOTS template function: Helm does not know it, and KOTS does not render HelmChart v2 chart templates; set the value in the HelmChart's values with 'repl{{ ${literal.name} ... }}' and read it here from .Values`
    : `${literal.name} is a KOTS template function, but it is written outside repl{{ }}, so KOTS leaves it as text and the pod gets the invalid image "${image.text}"; wrap the call: 'repl{{ ${literal.name} ... }}'`;
  const related = relatedOf(image);
  const finding: Finding = { code: 'kots-function-literal', severity: nominalSeverity('kots-function-literal'), message, ...fileRangeOf(image, { start: literal.at, end: literal.at + literal.name.length }), reference: image.text };
  if (related) finding.related = related;
  return finding;
}
