/**
 * A pull as a customer makes it: the image's proxy reference (the team's custom proxy domain when one is
 * configured), logged in with the customer's license, checked with the same ping → challenge → token →
 * HEAD as every other test, so the verdicts are the same.
 *
 * The login: the proxy authenticates a customer by the license ID as the password. Replicated documents
 * the customer's email as the user name ("For the access ID, enter the email address associated with the
 * customer ... For the access secret, enter the customer's unique license ID",
 * docs/vendor/using-third-party-registry-proxy.mdx; `helm registry login ... --username EMAIL --password
 * LICENSE_ID`, docs/vendor/install-with-helm.mdx), while the pull secret KOTS puts in the customer's
 * cluster uses the user name `LICENSE_ID` (replicatedhq/kots @370ae90 pkg/registry/troubleshoot.go,
 * PullSecretForRegistries(..., "LICENSE_ID", license.GetLicenseID(), ...)). Without an email this pulls
 * as the cluster does. (replicated-docs @3187d2d.)
 */
import type { PullChecker } from './types';
import { parseImageReference } from '../reference/imageReference';
import { DEFAULT_PROXY_DOMAIN, normalizeHost, parseProxyReference, proxyRewriteProblem, toProxyReference } from '../reference/proxy';
import type { ConnectionSettings, Credentials, PullCheckResult, RegistryEntry } from './types';

/** The user name of the pull secret KOTS creates in a customer's cluster. */
export const KOTS_PULL_SECRET_USERNAME = 'LICENSE_ID';

export interface CustomerPullTarget {
  /** The reference the customer pulls. */
  proxyReference: string;
  connection: ConnectionSettings;
  repository: string;
  reference: string;
}

/**
 * The proxy reference a customer pulls for `upstream` (a full reference), on `proxyDomain`. Where the
 * upstream host cannot appear in a proxy path (a port, an IPv6 address), the registry-name form
 * `<proxy>/proxy/<app>/<registry name>/<repository>` is used when the registry has a name
 * (docs/vendor/packaging-private-images.md, "Registry Name").
 */
export function customerPullTarget(upstream: string, options: { app: string; proxyDomain?: string; registry?: Pick<RegistryEntry, 'slug' | 'endpoint'> }): CustomerPullTarget | { error: string } {
  const proxyDomain = normalizeHost(options.proxyDomain ?? DEFAULT_PROXY_DOMAIN);
  const parsed = parseImageReference(upstream);
  if (!parsed.ok) return { error: `${upstream} is not a valid image reference: ${parsed.error.message}` };
  const ref = parsed.reference;
  let proxyReference: string;
  if (parseProxyReference(ref, [proxyDomain])) {
    proxyReference = ref.input;
  } else {
    const problem = proxyRewriteProblem(ref);
    if (!problem) proxyReference = toProxyReference(ref, options.app, proxyDomain);
    else if (options.registry && /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/.test(options.registry.slug)) {
      const rest = ref.input.slice(ref.spans.domain?.end ?? 0).replace(/^\//, '');
      proxyReference = `${proxyDomain}/proxy/${options.app}/${options.registry.slug}/${rest}`;
    } else {
      return { error: `${problem}; or give the registry a name (slug) of lowercase letters, digits and . _ - to use the proxy's registry-name form` };
    }
  }
  const proxied = parseImageReference(proxyReference);
  if (!proxied.ok) return { error: `the proxy reference ${proxyReference} is not valid: ${proxied.error.message}` };
  const connection: ConnectionSettings = { provider: 'other', endpoint: proxied.reference.domain };
  // Like Docker, which treats loopback registries as insecure: a proxy stand-in on this machine speaks HTTP.
  if (/^(localhost|127\.\d+\.\d+\.\d+)(:\d+)?$/.test(proxied.reference.domain)) connection.plainHttp = true;
  return { proxyReference, connection, repository: proxied.reference.path, reference: proxied.reference.digest ?? proxied.reference.tag ?? 'latest' };
}

/** The login a customer's pull uses: the license ID as the password, the email (or KOTS's `LICENSE_ID`) as the user. */
export function customerLogin(licenseId: string, email?: string): Credentials {
  return { username: email && email.trim() !== '' ? email.trim() : KOTS_PULL_SECRET_USERNAME, secret: licenseId, origin: 'stdin' };
}

/** What a verdict means when the proxy says it to a customer. */
function customerHint(result: PullCheckResult, target: CustomerPullTarget): string | undefined {
  switch (result.verdict) {
    case 'ok':
      return undefined;
    case 'unauthorized':
      return 'the proxy did not accept the license: check the license ID (vendor portal → Customers → the customer), and that the license is not expired or archived';
    case 'denied':
      return `the license cannot pull this image: the proxy pulls only for the app's own licenses (is "${target.proxyReference.split('/')[2] ?? ''}" the app of this license?), from registries connected for that app, for a customer entitled to it`;
    case 'repository-not-found':
    case 'tag-not-found':
      return `the proxy could not find it upstream: the registry is not connected (or scoped to other apps), its credentials cannot see the image, or the image is not there; run \`registry test\` without --as-customer to check the vendor's side`;
    default:
      return result.hint;
  }
}

/** Pulls `target` as the customer would; never throws for a registry answer (that is the verdict). */
export async function testAsCustomer(client: PullChecker, target: CustomerPullTarget, login: Credentials, signal?: AbortSignal): Promise<PullCheckResult & { proxyReference: string }> {
  const result = await client.checkPull(target.connection, login, { repository: target.repository, reference: target.reference }, signal ? { signal } : {});
  const hint = customerHint(result, target);
  const out: PullCheckResult & { proxyReference: string } = { ...result, image: target.proxyReference, proxyReference: target.proxyReference };
  if (hint) out.hint = hint;
  return out;
}
