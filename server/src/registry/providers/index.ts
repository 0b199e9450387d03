/** Provider profiles by id. */
import type { Provider } from '../types';
import { dockerHubProvider } from './dockerhub';
import { ecrProvider } from './ecr';
import { gcrProvider, garProvider } from './google';
import { ghcrProvider } from './ghcr';
import { otherProvider } from './other';
import type { ProviderProfile } from './provider';
import { quayProvider } from './quay';

export type { ProviderProfile, HintContext } from './provider';

const PROFILES: Record<Provider, ProviderProfile> = {
  dockerhub: dockerHubProvider,
  ecr: ecrProvider,
  gar: garProvider,
  gcr: gcrProvider,
  ghcr: ghcrProvider,
  quay: quayProvider,
  other: otherProvider,
};

export function providerProfile(provider: Provider): ProviderProfile {
  return PROFILES[provider] ?? otherProvider;
}
