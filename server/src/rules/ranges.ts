/** Mapping a span inside an image's text back to offsets in the file. */
import type { FoundImage, RelatedLocation } from '../findings/types';
import type { TextSpan } from '../reference/imageReference';

/**
 * File offsets for `span` (offsets in `image.text`). Exact scalars map 1:1; an assembled or evaluated
 * image (Helm block, Kustomize entry, chart values) maps into the part that holds the span when that
 * part is in this file; otherwise the whole anchor.
 */
export function fileRangeOf(image: FoundImage, span: TextSpan | undefined): { start: number; end: number } {
  if (!span || span.end <= span.start) return { start: image.start, end: image.end };
  if (image.parts) {
    let cursor = 0;
    for (const part of image.parts) {
      const offset = image.text.indexOf(part.text, cursor);
      if (offset < 0) break;
      cursor = offset + part.text.length;
      if (span.start >= offset && span.end <= cursor) {
        if (part.file || part.end - part.start !== part.text.length) break;
        return { start: part.start + span.start - offset, end: part.start + span.end - offset };
      }
    }
    return { start: image.start, end: image.end };
  }
  if (!image.exact || image.end - image.start !== image.text.length) return { start: image.start, end: image.end };
  return { start: image.start + span.start, end: image.start + Math.min(span.end, image.text.length) };
}

export function relatedOf(image: FoundImage): RelatedLocation[] | undefined {
  return image.related && image.related.length > 0 ? image.related : undefined;
}
