/**
 * The engine's vocabulary as the extension speaks it: types only. The extension imports nothing of the
 * server but protocol/, and nothing of the engine runs in it; these names only describe what travels
 * over the LSP connection.
 */
export type { AuthType, Credentials, Provider, PullCheckResult, RegistryEntry, Verdict } from '../registry/types';
export type { AuthOption, ProviderRecord } from '../registry/providers/catalog';
export type { PullLogEntry } from '../store/types';
export type { RegistryHealth } from '../registry/health';
