/**
 * What the local rules work out from one parsed reference under one configuration, worked out once and
 * shared by every image that has that reference object: a file's images share one reference per
 * distinct image text (manifests/findImages.ts, FileReading), and the 4.3 MB benchmark manifest has
 * 8,332 images of 3,135 distinct references. Each rule used to redo this per image: the proxy-host test and the
 * upstream's parse (`proxyUpstreamError`), the not-connected message, the `tag-latest` message and each
 * finding's data object — strings and objects that the cold open's young-generation collections then
 * copied (a CPU profile of the open: 108–142 ms in the local rules, GC 91–114 ms overall). Nothing kept
 * here is ever changed once made: findings share the strings and data objects. Measured in-process
 * (bundled, 6 interleaved rounds, main thread), with placement per domain (store/placement.ts): the
 * language server's path over the benchmark manifest, cold, 59–112 ms (median 88) → 42–65 (61); warm
 * median 32 → 25; lint's whole-file pass 69–112 (79) → 40–70 (56).
 *
 * Keyed by the reference object in a WeakMap (a memo that dies with the reference). A value never holds
 * its key: V8's young-generation collections treat a WeakMap's values as live, so facts that pointed back
 * at their reference kept every reference (and, through its strings, the whole file text they are slices
 * of) alive until a full collection. On the 1,000-file lint benchmark that promoted 5.2 MB instead of
 * 2.8 MB to the old generation, and young-generation pauses took 38 ms instead of 25.
 *
 * Only the upstream's error depends on the configuration (its proxy domains): it is kept with the list
 * it was worked out for. Where the reference is pulled from is asked of `placeReference` each time
 * (its own memo follows a configuration edited in place).
 */
import type { FindingData } from '../findings/types';
import { proxyUpstreamError } from '../manifests/proxyPrefix';
import type { ImageReference, ReferenceError } from '../reference/imageReference';

export interface ReferenceFacts {
  /** A proxy reference's malformed upstream (null: none) under `proxyDomains`, for the `invalid-reference` rule. */
  upstream?: { proxyDomains: readonly string[]; length: number; error: ReferenceError | null };
  /** `registry-not-connected` offline: the message and data of its finding. */
  notConnected?: { message: string; data: FindingData };
  /** The data of the reproducibility rules' findings (tags/digests). */
  tagData?: FindingData;
  /** `tag-latest`'s message. */
  latestMessage?: string;
}

const factsByReference = new WeakMap<ImageReference, ReferenceFacts>();

export function factsOf(reference: ImageReference): ReferenceFacts {
  let facts = factsByReference.get(reference);
  if (!facts) {
    facts = {};
    factsByReference.set(reference, facts);
  }
  return facts;
}

/** `proxyUpstreamError` of the reference under `proxyDomains` (the configuration's custom proxy domains). */
export function upstreamErrorOf(reference: ImageReference, proxyDomains: readonly string[]): ReferenceError | undefined {
  const facts = factsOf(reference);
  let upstream = facts.upstream;
  if (upstream?.proxyDomains !== proxyDomains || upstream.length !== proxyDomains.length) {
    upstream = { proxyDomains, length: proxyDomains.length, error: proxyUpstreamError(reference, proxyDomains) ?? null };
    facts.upstream = upstream;
  }
  return upstream.error ?? undefined;
}

export function tagDataOf(reference: ImageReference, facts: ReferenceFacts): FindingData {
  return (facts.tagData ??= { domain: reference.domain, path: reference.path, tag: reference.tag, digest: reference.digest, canonical: reference.canonical });
}
