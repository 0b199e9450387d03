/**
 * The bounds every input is read under. Every file in a workspace may be hostile: a committed file must
 * not be able to hang `lint`, exhaust the language server's memory, or block the editor. Each bound
 * answers with one clear finding or error when it is reached; none is reached by ordinary files.
 *
 * Measurements behind the values (2-core machine, `lint --offline`, see the README's *Security*):
 * - A 487-byte "billion laughs" (9 levels of 9 aliases) expanded without a bound ran past 45 s and
 *   1.5 GB; 9^6 = 531,441 expanded nodes took 1.9 s and 146 MB, 9^7 took 11 s and 584 MB. 100,000
 *   expanded nodes cost about 10 ms; real manifests and Compose files expand a few hundred.
 * - Resolving each alias with `yaml`'s `Alias.resolve` walks the whole document: a 100 KB file of
 *   14,000 aliases took 21 s (quadratic). The converter now resolves anchors in one pass.
 * - `yaml` needs about 3 s per MB for a document of tiny nodes (`- x` lines: 1.6 MB took 4-5 s), about
 *   0.7 s per MB for ordinary manifests; the fast scanner reads the 5,000-document benchmark manifest
 *   (4 MB) in 180 ms. A document the fast scanner cannot read (an anchor is enough) is therefore
 *   capped at 2 MiB: the largest CRDs fit, and one such document blocks for a few seconds at most.
 * - Nesting 100,000 `[` deep overflowed the parser's stack ("Maximum call stack size exceeded");
 *   Kubernetes manifests nest about 15 levels, Helm values rarely 30.
 * - A 50 MB registries file (750,000 entries) ran past 60 s and 2 GB; a team connects tens of
 *   registries, and 1,000 entries parse and validate in about 50 ms.
 */

const MiB = 1024 * 1024;

export const INPUT_LIMITS = {
  /** A manifest, values, Compose or Kustomize file larger than this is not analysed (one finding says so). */
  analyzedFileBytes: 16 * MiB,
  /** One YAML document that needs the exact parser (anchors, multi-line scalars...) and is larger than this is not parsed. */
  fullParseDocumentBytes: 2 * MiB,
  /** Nodes that alias expansion (`*anchor`, merge keys) may add to one document. */
  aliasExpansionNodes: 100_000,
  /** Block plus flow nesting of one document (and of the registries file). */
  nestingDepth: 200,
  /**
   * Work time one file's analysis may take (the language server counts the time spent analysing it,
   * not the time it waits while typing goes first); documents after it are skipped (one finding says so).
   */
  analysisTimeMs: 5_000,
  /**
   * Heap the language server's analysis worker may use for one document (it reads the documents larger
   * than 32 KiB, lsp/analysisWorker.ts). A 1 MiB document of anchors, the exact parser's worst ordinary
   * case, took 2 s and 160 MB; the largest document read (2 MiB) fits twice over. Past it the worker is
   * stopped and the document gets one finding.
   */
  analysisWorkerMemoryMb: 768,
  /** The registries file. */
  registriesFileBytes: 1 * MiB,
  registriesFileEntries: 1_000,
  /** A registry's `caFile` (Mozilla's whole CA bundle is about 220 KiB). */
  caFileBytes: 1 * MiB,
} as const;

/** `16 MiB`, `512 KiB`, `120 bytes`: a size for messages. */
export function formatBytes(bytes: number): string {
  if (bytes >= MiB) return `${Number((bytes / MiB).toFixed(1))} MiB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} KiB`;
  return `${bytes} bytes`;
}
