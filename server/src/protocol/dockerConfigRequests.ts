/**
 * Client → server requests behind "Import from Docker Config": which registry hosts this machine is
 * logged in to (the Docker config and its credential helpers, found as `docker` finds them), and one
 * host's login, which the editor then keeps in SecretStorage for the registry of that host.
 */
import { RequestType } from 'vscode-languageserver-protocol';
import type { Provider } from './vocabulary';

export interface DockerConfigHost {
  /** Normalized (`index.docker.io` for Docker Hub's keys). */
  host: string;
  provider: Provider;
  /** The team registry already connected for this host, if any. */
  connectedSlug?: string;
}
export interface DockerConfigHosts {
  configPath: string;
  hosts: DockerConfigHost[];
}
export const DockerConfigHostsRequest = new RequestType<Record<string, never>, DockerConfigHosts, void>('replicatedRegistries/dockerConfigHosts');

/** One host's login from the Docker credential store (a secret: it travels only over the LSP pipe). */
export const DockerConfigCredentialsRequest = new RequestType<{ host: string }, { username: string; secret: string } | null, void>('replicatedRegistries/dockerConfigCredentials');
