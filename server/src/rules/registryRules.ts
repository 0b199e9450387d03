/**
 * Where an image is pulled from, seen from the team's registries file: the Replicated registry, a
 * connected external registry, a host or repository listed as public, or unknown (→ `registry-not-connected`).
 */
import type { AnalysisEnvironment, Finding, FindingData, FoundImage } from '../findings/types';
import type { ImageReference } from '../reference/imageReference';
import { guessProvider } from '../registry/providers/catalog';
import type { Provider, RegistryEntry } from '../registry/types';
import { placeReference, providerOfDomain } from '../store/placement';
import { fileRangeOf, relatedOf } from './ranges';
import { factsOf } from './referenceFacts';

/** The reference whose registry matters: the upstream of a proxy reference, else the reference itself. */
export function effectiveReference(image: FoundImage): ImageReference | undefined {
  return image.templated ? undefined : (image.upstream ?? image.reference);
}

export { matchesPublicPattern, placeReference, servesApp, type RegistryPlacement } from '../store/placement';

/**
 * Offline (or without a registry client): an unknown registry is an `info` saying we could not tell.
 * Images that share a reference object (the language server reads a file's documents sharing their
 * parsed image texts) share the finding's message and data (referenceFacts.ts): on the 4.3 MB benchmark
 * manifest, 8,332 not-connected findings of 3,135 references each built the same message and data, and
 * guessed the provider with regular expressions. Appends to `out`.
 */
export function offlineRegistryFindingsInto(image: FoundImage, env: AnalysisEnvironment, out: Finding[]): void {
  if (!env.offline && env.registryClient) return;
  const reference = effectiveReference(image);
  if (!reference || image.kind === 'excluded-image') return;
  const placement = placeReference(reference, env.config);
  if (placement.kind === 'scoped-elsewhere') {
    out.push(scopedElsewhereFinding(image, reference, placement.entries, env));
    return;
  }
  if (placement.kind !== 'unknown') return;
  const facts = factsOf(reference);
  const unknown = (facts.notConnected ??= {
    message: `${reference.domain} is not one of the team's registries, and offline it cannot be told whether "${reference.familiar}" is public; connect the registry, or list it under public: in .replicated-registries.yaml if customers can pull it anonymously`,
    data: notConnectedData(reference, providerOfDomain(reference, env.config)),
  });
  out.push(notConnectedFinding(image, reference, 'info', unknown.message, unknown.data));
}

export function offlineRegistryFindings(image: FoundImage, env: AnalysisEnvironment): Finding[] {
  const out: Finding[] = [];
  offlineRegistryFindingsInto(image, env, out);
  return out;
}

function notConnectedData(reference: ImageReference, provider: Provider = guessProvider(reference.domain)): FindingData {
  return { domain: reference.domain, path: reference.path, tag: reference.tag, digest: reference.digest, provider, canonical: reference.canonical };
}

export function notConnectedFinding(image: FoundImage, reference: ImageReference, severity: Finding['severity'], message: string, data: FindingData = notConnectedData(reference)): Finding {
  const range = fileRangeOf(image, image.upstream ? undefined : reference.spans.domain);
  const finding: Finding = { code: 'registry-not-connected', severity, message, start: range.start, end: range.end, reference: image.text, data };
  const related = relatedOf(image);
  if (related) finding.related = related;
  return finding;
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
