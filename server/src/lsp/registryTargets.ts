/**
 * Which registry (and which connection settings and credentials) serves a reference, for the features
 * that talk to a registry themselves: tags for quick fixes and completion, pin to digest, hover.
 * Placement is the engine's (`placeReference`); this only picks the connection to use.
 */
import type { ImageReference } from '../reference/imageReference';
import { guessProvider } from '../registry/providers/catalog';
import type { ConnectionSettings, Credentials, RegistryEntry } from '../registry/types';
import { effectiveReference, placeReference, type RegistryPlacement } from '../rules/registryRules';
import type { RegistriesConfig } from '../store/types';
import type { CredentialBroker } from './credentials';

export interface RegistryTarget {
  reference: ImageReference;
  placement: RegistryPlacement;
  /** The team registry, when connected. */
  entry?: RegistryEntry;
  connection: ConnectionSettings;
  credentials: Credentials | undefined;
}

export { effectiveReference };

/** The registry to talk to for `reference`: the team's entry with this user's credentials, else anonymous. */
export async function registryTargetFor(reference: ImageReference, config: RegistriesConfig, credentials: CredentialBroker): Promise<RegistryTarget | undefined> {
  const placement = placeReference(reference, config);
  if (placement.kind === 'replicated-registry' || placement.kind === 'proxy-host') return undefined;
  if (placement.kind === 'connected') {
    return { reference, placement, entry: placement.entry, connection: placement.entry, credentials: await credentials.credentialsFor(placement.entry) };
  }
  return { reference, placement, connection: { provider: guessProvider(reference.domain), endpoint: reference.domain }, credentials: undefined };
}
