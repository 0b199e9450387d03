/** What differs per registry provider: credential shaping and provider-specific advice. */
import type { Credentials, Provider, Verdict } from '../types';

export interface HintContext {
  /** The check ran without credentials. */
  anonymous: boolean;
  /** The registry host as references name it. */
  host: string;
  repository: string;
}

export interface ProviderProfile {
  id: Provider;
  displayName: string;
  /** Adjusts credentials before use (e.g. GCR's fixed usernames); must not log or copy the secret anywhere else. */
  normalizeCredentials?(credentials: Credentials): Credentials;
  /** Provider-specific advice for a verdict, or undefined to use the generic one. */
  hint(verdict: Verdict, context: HintContext): string | undefined;
}
