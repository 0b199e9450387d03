/** Generic advice per verdict, used when neither the failure point nor the provider has a sharper one. */
import type { Verdict } from './types';

export interface GenericHintContext {
  anonymous: boolean;
  host: string;
  repository: string;
  reference: string;
  retryAfterSeconds?: number;
}

export function genericHint(verdict: Verdict, ctx: GenericHintContext): string | undefined {
  switch (verdict) {
    case 'ok':
      return undefined;
    case 'unauthorized':
      return ctx.anonymous
        ? `${ctx.host} requires a login for ${ctx.repository}: add credentials for this registry (or check the repository name — registries often hide missing repositories behind a login).`
        : `Check the username and password or token for ${ctx.host}, then enter them again.`;
    case 'denied':
      return `The login works but has no pull access to ${ctx.repository}: grant it read access on the registry, or check the repository name (some registries report a missing repository as "denied").`;
    case 'repository-not-found':
      return `Check the repository path: ${ctx.repository} does not exist on ${ctx.host} (paths are case-sensitive and include any organization or project prefix).`;
    case 'tag-not-found':
      // "has no 2" reads as a count: name what the reference is.
      return `The repository exists but has no ${ctx.reference.includes(':') ? 'digest' : 'tag'} ${ctx.reference}: check the tag or digest (tags are case-sensitive), or push it.`;
    case 'manifest-unknown':
      return `Check that ${ctx.repository} and ${ctx.reference} exist on ${ctx.host}; if they do, the saved credentials cannot pull them: give that account read access, or update the registry's credentials.`;
    case 'rate-limited':
      return ctx.retryAfterSeconds !== undefined ? `Wait ${ctx.retryAfterSeconds} s (the registry's Retry-After) and try again.` : 'Wait a few minutes and try again.';
    case 'tls-untrusted':
      return "If the registry uses a private CA, set caFile to that CA's PEM file (CLI: --ca-file); for a throwaway dev registry only, set insecureSkipTLSVerify.";
    case 'unreachable':
      return 'Check the endpoint, that the registry is running, and your network (VPN, firewall, HTTPS_PROXY / NO_PROXY).';
    case 'timeout':
      return 'Check that the registry is up and reachable from this machine (VPN, firewall, proxy settings), then run the check again; if the registry is only slow, try again when it is less busy.';
    case 'protocol-error':
      return `Check that the endpoint ${ctx.host} is an OCI / Docker registry; if it is, it may be having a server-side problem — try again later.`;
  }
}
