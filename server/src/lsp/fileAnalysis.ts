/**
 * Local analysis of one file with a per-document cache: a multi-document file is split (cheaply) into
 * documents, and only documents whose text changed since the last run are read again; the others
 * reuse their images and findings, shifted to where the document now starts. This is what keeps
 * edit-to-diagnostics fast on 5,000-document manifests.
 */
import type { AnalysisEnvironment, DocumentRange, Finding, FoundImage, RelatedLocation } from '../analysis/types';
import { findImagesInDocumentSafe, localFindingsFor, resolveTemplatesSafe, splitDocumentsSafe } from './engine';

export interface FileAnalysis {
  images: FoundImage[];
  /** Local findings (no network), levels and disable comments applied. */
  findings: Finding[];
}

interface DocumentResult {
  /** Offsets relative to the document's start. */
  images: FoundImage[];
  /** Undefined when the document has Helm template images: those depend on values.yaml and are resolved on every run. */
  findings: Finding[] | undefined;
}

interface FileCache {
  /** Configuration generation the results were computed under. */
  generation: string;
  byText: Map<string, DocumentResult>;
}

function shiftRelated(related: RelatedLocation[] | undefined, filePath: string, delta: number): RelatedLocation[] | undefined {
  if (!related) return undefined;
  return related.map((r) => (r.file === filePath ? { ...r, start: r.start + delta, end: r.end + delta } : r));
}

export function shiftImage(image: FoundImage, filePath: string, delta: number): FoundImage {
  if (delta === 0) return image;
  const shifted: FoundImage = { ...image, start: image.start + delta, end: image.end + delta };
  if (image.parts) shifted.parts = image.parts.map((p) => (p.file === undefined || p.file === filePath ? { ...p, start: p.start + delta, end: p.end + delta } : p));
  const related = shiftRelated(image.related, filePath, delta);
  if (related) shifted.related = related;
  return shifted;
}

export function shiftFinding(finding: Finding, filePath: string, delta: number): Finding {
  if (delta === 0) return finding;
  const shifted: Finding = { ...finding, start: finding.start + delta, end: finding.end + delta };
  const related = shiftRelated(finding.related, filePath, delta);
  if (related) shifted.related = related;
  return shifted;
}

export class LocalAnalysisCache {
  private readonly files = new Map<string, FileCache>();

  /**
   * Images and local findings of `text`. `generation` identifies the configuration and settings in
   * effect; a different one discards the cache for this file.
   */
  async analyze(key: string, text: string, filePath: string, env: AnalysisEnvironment, generation: string): Promise<FileAnalysis> {
    const previous = this.files.get(key);
    const reusable = previous && previous.generation === generation ? previous.byText : undefined;
    const next = new Map<string, DocumentResult>();
    const images: FoundImage[] = [];
    const findings: Finding[] = [];
    let templateImages: FoundImage[] | undefined;
    for (const range of splitDocumentsSafe(text)) {
      const documentText = text.slice(range.start, range.end);
      let result = next.get(documentText) ?? reusable?.get(documentText);
      if (!result) result = this.analyzeDocument(text, range, filePath, env);
      next.set(documentText, result);
      const shifted = result.images.map((image) => shiftImage(image, filePath, range.start));
      if (result.findings) {
        images.push(...shifted);
        for (const finding of result.findings) findings.push(shiftFinding(finding, filePath, range.start));
      } else {
        (templateImages ??= []).push(...shifted);
      }
    }
    this.files.set(key, { generation, byText: next });
    if (templateImages) {
      const resolved = await resolveTemplatesSafe(templateImages, filePath, env);
      images.push(...resolved);
      findings.push(...localFindingsFor(text, resolved, filePath, env));
      images.sort((a, b) => a.start - b.start);
      findings.sort((a, b) => a.start - b.start || a.end - b.end);
    }
    return { images, findings };
  }

  forget(key: string): void {
    this.files.delete(key);
  }

  clear(): void {
    this.files.clear();
  }

  private analyzeDocument(text: string, range: DocumentRange, filePath: string, env: AnalysisEnvironment): DocumentResult {
    const images = findImagesInDocumentSafe(text, range, filePath, env);
    const relativeImages = images.map((image) => shiftImage(image, filePath, -range.start));
    if (images.some((image) => image.helmTemplate)) return { images: relativeImages, findings: undefined };
    const findings = localFindingsFor(text, images, filePath, env);
    return { images: relativeImages, findings: findings.map((finding) => shiftFinding(finding, filePath, -range.start)) };
  }
}
