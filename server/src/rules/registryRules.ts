/**
 * Where an image is pulled from, seen from the team's registries file: the Replicated registry, a
 * connected external registry, a host or repository listed as public, or unknown (→ `registry-not-connected`).
 */
import type { AnalysisEnvironment, Finding, FoundImage } from '../findings/types';
import type { ImageReference } from '../reference/imageReference';
import { guessProvider } from '../registry/providers/catalog';
import type { RegistryEntry } from '../registry/types';
import { placeReference } from '../store/placement';
import { fileRangeOf, relatedOf } from './ranges';

/** The reference whose registry matters: the upstream of a proxy reference, else the reference itself. */
export function effectiveReference(image: FoundImage): ImageReference | undefined {
  return image.templated ? undefined : (image.upstream ?? image.reference);
}

export { matchesPublicPattern, placeReference, servesApp, type RegistryPlacement } from '../store/placement';

/** Offline (or without a registry client): an unknown registry is an `info` saying we could not tell. */
export function offlineRegistryFindings(image: FoundImage, env: AnalysisEnvironment): Finding[] {
  if (!env.offline && env.registryClient) return [];
  const reference = effectiveReference(image);
  if (!reference || image.kind === 'excluded-image') return [];
  const placement = placeReference(reference, env.config);
  if (placement.kind === 'scoped-elsewhere') return [scopedElsewhereFinding(image, reference, placement.entries, env)];
  if (placement.kind !== 'unknown') return [];
  return [notConnectedFinding(image, reference, 'info', `${reference.domain} is not one of the team's registries, and offline it cannot be told whether "${reference.familiar}" is public; connect the registry, or list it under public: in .replicated-registries.yaml if customers can pull it anonymously`)];
}

export function notConnectedFinding(image: FoundImage, reference: ImageReference, severity: Finding['severity'], message: string): Finding {
  const related = relatedOf(image);
  return {
    code: 'registry-not-connected',
    severity,
    message,
    ...fileRangeOf(image, image.upstream ? undefined : reference.spans.domain),
    reference: image.text,
    data: { domain: reference.domain, path: reference.path, tag: reference.tag, digest: reference.digest, provider: guessProvider(reference.domain), canonical: reference.canonical },
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
