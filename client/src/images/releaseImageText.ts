/**
 * The Images view's words: what each install mode is, how a customer's cluster pulls an image (through
 * the proxy with the license's pull secret, from the local registry, straight from its registry), the
 * image's verdict, and a pull as a customer said the way a vendor reads it, with what to do next.
 * No `vscode` import: unit-tested (test/unit/clientImages.test.ts).
 */
import type { InstallMode, ReleaseImageItem, TestAsCustomerResult } from '../../../server/src/protocol/messages';

/** The placeholder host the server evaluates air gap installs with (templates/kots.ts). */
const PLACEHOLDER_LOCAL_REGISTRY = 'local-registry.invalid';

export const MODE_LABEL: Record<InstallMode, string> = {
  online: 'Online',
  airgap: 'Air gap / local registry',
  helm: 'Helm CLI',
};

/** One line on what a mode is, for its tooltip. */
export const MODE_MEANING: Record<InstallMode, string> = {
  online: 'KOTS, kURL and Embedded Cluster installs with internet access: KOTS sends private images of manifests and HelmChart v1 through the Replicated proxy; HelmChart v2 values must name the proxy themselves.',
  airgap: 'Installs with a local registry (always in air gap): KOTS pushes the bundle’s images to it and rewrites manifests; HelmChart v2 values must switch to it with HasLocalRegistry.',
  helm: 'Customers run helm install themselves: nothing rewrites the chart, so its values must name the proxy, and pods need the Replicated SDK’s enterprise-pull-secret.',
};

export type Verdict = 'error' | 'warning' | 'info' | 'ok' | 'unevaluated';

/** The worst finding about the image, `unevaluated` when the server could not evaluate it, else `ok`. */
export function verdictOf(item: ReleaseImageItem): Verdict {
  const severities = item.findings.map((finding) => finding.severity);
  if (severities.includes('error')) return 'error';
  if (severities.includes('warning')) return 'warning';
  if (item.via === 'unknown' || item.pulled === undefined) return 'unevaluated';
  if (severities.includes('info')) return 'info';
  return 'ok';
}

/** `<local registry>/app/api:1.0` for the air gap placeholder. */
export function displayReference(reference: string): string {
  return reference.startsWith(`${PLACEHOLDER_LOCAL_REGISTRY}/`) ? `<local registry>/${reference.slice(PLACEHOLDER_LOCAL_REGISTRY.length + 1)}` : reference;
}

/** The image's name on the row: the upstream image for a proxy reference (the proxy prefix is in the description and tooltip). */
export function imageLabel(item: ReleaseImageItem): string {
  const shown = item.pulled ?? item.reference;
  if (!shown) return item.value ? `(not evaluated) ${item.value}` : '(not evaluated)';
  if (item.via === 'proxy') return withoutProxyPrefix(shown);
  if (item.via === 'local-registry') {
    // The image as the release writes it when KOTS rewrites it; else its path on the local registry (the host is the customer's).
    if (item.reference && !item.reference.startsWith(`${PLACEHOLDER_LOCAL_REGISTRY}/`)) return withoutProxyPrefix(item.reference);
    if (shown.startsWith(`${PLACEHOLDER_LOCAL_REGISTRY}/`)) return shown.slice(PLACEHOLDER_LOCAL_REGISTRY.length + 1);
  }
  return displayReference(shown);
}

/** The upstream image of a proxy reference (`<proxy-domain>/proxy/<app>/<image>`), else the reference. */
function withoutProxyPrefix(reference: string): string {
  return /^[^/]+\/proxy\/[^/]+\/(.+)$/.exec(reference)?.[1] ?? reference;
}

function hostOf(reference: string | undefined): string {
  if (!reference) return 'its registry';
  const first = reference.split('/')[0] ?? '';
  const host = reference.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') ? first : 'docker.io';
  return host === 'docker.io' || host === 'index.docker.io' || host === 'registry-1.docker.io' ? 'Docker Hub' : host;
}

/** How the customer's cluster pulls it, in a few words (the row's description). */
export function howPulled(item: ReleaseImageItem): string {
  const noSecret = item.findings.some((finding) => finding.code === 'pull-secret-missing');
  switch (item.via) {
    case 'proxy':
      return noSecret ? 'through the proxy, no pull secret' : item.rewrittenByKots ? 'through the proxy (KOTS rewrites it)' : 'through the proxy';
    case 'replicated-registry':
      return noSecret ? 'from the Replicated registry, no pull secret' : 'from the Replicated registry';
    case 'local-registry':
      return item.inBundle === false ? 'from the local registry, not in the bundle' : item.rewrittenByKots ? 'from the local registry (KOTS rewrites it)' : 'from the local registry';
    case 'direct':
      return `directly from ${hostOf(item.pulled)}`;
    case 'unknown':
      return 'not evaluated';
  }
}

/** A sentence for the tooltip: how the pull works and with which credentials. */
export function howPulledSentence(item: ReleaseImageItem): string {
  const noSecret = item.findings.some((finding) => finding.code === 'pull-secret-missing');
  const secret = noSecret ? 'but the pod names no pull secret, so the proxy gets no license and refuses it' : 'with the pull secret made from the customer’s license';
  switch (item.via) {
    case 'proxy':
      return `The customer’s cluster pulls it through the Replicated proxy${item.rewrittenByKots ? ' (KOTS rewrites the reference at install)' : ''}, ${secret}.`;
    case 'replicated-registry':
      return `The customer’s cluster pulls it from the Replicated registry, ${secret}.`;
    case 'local-registry':
      return `The customer’s cluster pulls it from their local registry, where KOTS pushes the air gap bundle’s images${item.inBundle === false ? ' — but the bundle (the builder values’ render) does not have it' : ''}.`;
    case 'direct':
      return `The customer’s cluster pulls it directly from ${hostOf(item.pulled)}, with no credentials from Replicated.`;
    case 'unknown':
      return 'It could not be evaluated statically, so it is not checked.';
  }
}

/** Where it comes from: `kots/app.yaml:12`, a chart archive's entry, the HelmChart value. */
export function sourceText(item: ReleaseImageItem, relative: (uri: string) => string): string {
  const place = `${relative(item.location.uri)}:${item.location.line + 1}`;
  const parts = [item.archive ? `${relative(item.archive.uri)} (${item.archive.entry}), set at ${place}` : place];
  if (item.helmChart) parts.push(`HelmChart ${item.helmChart.name}`);
  if (item.value) parts.push(item.value);
  return parts.join(' · ');
}

/** Whether a pull as a customer means anything for this image: it goes through the proxy or the Replicated registry, or should (not-proxied). */
export function customerTestable(item: ReleaseImageItem): boolean {
  if (item.mode === 'airgap' || !(item.pulled ?? item.reference)) return false;
  if (item.via === 'proxy' || item.via === 'replicated-registry') return true;
  return item.via === 'direct' && item.findings.some((finding) => finding.code === 'not-proxied');
}

/** What to send as the image of a customer test: the reference the cluster pulls (the server maps an upstream one to its proxy form). */
export function customerTestImage(item: ReleaseImageItem): string | undefined {
  return item.pulled ?? item.reference;
}

/** A pull as a customer, said once: what happened and what to do next. */
export interface CustomerVerdictText {
  ok: boolean;
  /** One or two sentences a notification carries whole. */
  text: string;
  /** The short form for the row's description. */
  short: string;
}

export function customerVerdictText(result: TestAsCustomerResult, options: { directToday?: boolean } = {}): CustomerVerdictText {
  const app = /^[^/]+\/proxy\/([^/]+)\//.exec(result.proxyReference)?.[1];
  const today = options.directToday ? ' Today customers pull it directly, not through the proxy: apply the not-proxied quick fix so that they pull it this way.' : '';
  switch (result.verdict) {
    case 'ok':
      return { ok: true, short: 'customer pull ok', text: `A customer with this license can pull ${result.proxyReference}${result.digest ? ` (digest ${result.digest.slice(0, 19)}…)` : ''}.${today}` };
    case 'unauthorized':
      return { ok: false, short: 'license refused', text: `The proxy did not accept this license ID for ${result.proxyReference}. Check the license ID in the vendor portal (Customers → the customer); an expired or archived license is refused too.` };
    case 'denied':
      return {
        ok: false,
        short: 'license may not pull it',
        text: `The proxy accepted the license but will not serve ${result.proxyReference}: it pulls only for licenses of the app in the path${app ? ` ("${app}", from app: in .replicated-registries.yaml)` : ''}, from registries connected for that app, for a customer entitled to the image. Check that the license belongs to this app and that the registry’s App Access includes it.`,
      };
    case 'repository-not-found':
    case 'tag-not-found':
      return {
        ok: false,
        short: result.verdict === 'tag-not-found' ? 'tag not found upstream' : 'not found upstream',
        text: `The proxy accepted the license but could not find ${result.proxyReference} upstream: the registry is not connected in the vendor portal (or is scoped to other apps), its credentials there cannot see the image, or the ${result.verdict === 'tag-not-found' ? 'tag was never pushed' : 'repository does not exist'}. Run “Test External Registry” on the image to check your side.${today}`,
      };
    default: {
      const message = result.message.trim().replace(/\.?$/, '.');
      return { ok: false, short: `customer pull failed: ${result.verdict}`, text: `${message}${result.hint ? ` ${result.hint.charAt(0).toUpperCase()}${result.hint.slice(1).replace(/\.?$/, '.')}` : ''}` };
    }
  }
}
