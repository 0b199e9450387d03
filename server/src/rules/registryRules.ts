/**
 * Where an image is pulled from, seen from the team's registries file: the Replicated registry, a
 * connected external registry, a host or repository listed as public, or unknown (→ `registry-not-connected`).
 */
import type { AnalysisEnvironment, Finding, FindingData, FoundImage } from '../findings/types';
import type { ImageReference } from '../reference/imageReference';
import { guessProvider } from '../registry/providers/catalog';
import type { RegistryEntry } from '../registry/types';
import { placeReference, type RegistryPlacement } from '../store/placement';
import { fileRangeOf, relatedOf } from './ranges';

/** The reference whose registry matters: the upstream of a proxy reference, else the reference itself. */
export function effectiveReference(image: FoundImage): ImageReference | undefined {
  return image.templated ? undefined : (image.upstream ?? image.reference);
}

export { matchesPublicPattern, placeReference, servesApp, type RegistryPlacement } from '../store/placement';

/**
 * What the offline rule says of one reference under one configuration: where it is pulled from and, for
 * a registry nobody connected, the message and data of its finding. Images that share a reference
 * object (the language server reads a file's documents sharing their parsed image texts) share these
 * too: on the 4.3 MB benchmark manifest, 8,332 not-connected findings of 4,400 references each built
 * the same message and data, and guessed the provider with regular expressions — work and objects that
 * every young-generation GC of the first pass then copied. Neither is ever changed once made.
 */
interface OfflineVerdict {
  config: AnalysisEnvironment['config'];
  placement: RegistryPlacement;
  unknown?: { message: string; data: FindingData };
}

/** Keyed by the reference it describes (a WeakMap memo: docs/architecture.md, engine modules' state). */
const offlineVerdicts = new WeakMap<ImageReference, OfflineVerdict>();

/** Offline (or without a registry client): an unknown registry is an `info` saying we could not tell. */
export function offlineRegistryFindings(image: FoundImage, env: AnalysisEnvironment): Finding[] {
  if (!env.offline && env.registryClient) return [];
  const reference = effectiveReference(image);
  if (!reference || image.kind === 'excluded-image') return [];
  let verdict = offlineVerdicts.get(reference);
  if (verdict?.config !== env.config) {
    verdict = { config: env.config, placement: placeReference(reference, env.config) };
    offlineVerdicts.set(reference, verdict);
  }
  const placement = verdict.placement;
  if (placement.kind === 'scoped-elsewhere') return [scopedElsewhereFinding(image, reference, placement.entries, env)];
  if (placement.kind !== 'unknown') return [];
  verdict.unknown ??= {
    message: `${reference.domain} is not one of the team's registries, and offline it cannot be told whether "${reference.familiar}" is public; connect the registry, or list it under public: in .replicated-registries.yaml if customers can pull it anonymously`,
    data: notConnectedData(reference),
  };
  return [notConnectedFinding(image, reference, 'info', verdict.unknown.message, verdict.unknown.data)];
}

function notConnectedData(reference: ImageReference): FindingData {
  return { domain: reference.domain, path: reference.path, tag: reference.tag, digest: reference.digest, provider: guessProvider(reference.domain), canonical: reference.canonical };
}

export function notConnectedFinding(image: FoundImage, reference: ImageReference, severity: Finding['severity'], message: string, data: FindingData = notConnectedData(reference)): Finding {
  const related = relatedOf(image);
  return {
    code: 'registry-not-connected',
    severity,
    message,
    ...fileRangeOf(image, image.upstream ? undefined : reference.spans.domain),
    reference: image.text,
    data,
    ...(related ? { related } : {}),
  };
}

/** A connected registry whose App Access leaves this app out: not connected, for this app. */
export function scopedElsewhereFinding(image: FoundImage, reference: ImageReference, entries: RegistryEntry[], env: Pick<AnalysisEnvironment, 'config'>): Finding {
  const names = entries.map((entry) => `"${entry.slug}" (app ids ${(entry.appIds ?? []).join(', ')})`).join(', ');
  const app = env.config.app ?? env.config.appId ?? 'this app';
  return notConnectedFinding(
    image,
    reference,
    'warning',
    `${reference.domain} is connected as ${names}, scoped to other apps, so the Replicated proxy does not pull "${reference.familiar}" for customers of ${app}; add ${app} to the registry's App Access in the vendor portal (or connect the registry for all apps)`,
  );
}
