/**
 * "Import from Docker Config" through the server: the hosts this machine is logged in to (the Docker
 * config and its credential helpers, found as `docker` finds them) with the team registry each already
 * is, and one host's login — which travels to the editor over the LSP pipe and is kept in SecretStorage.
 */
import { ErrorCodes, ResponseError } from 'vscode-languageserver/node';
import type { DockerConfigHosts } from '../../protocol/dockerConfigRequests';
import { endpointMatchesDomain } from '../../registry/endpoints';
import { DockerCredentialStore, dockerConfigKeyHost } from '../../registry/credentials/dockerCredentialStore';
import { guessProvider } from '../../registry/providers/catalog';
import type { ServerContext } from '../context';

/** Docker Hub's config keys name the API host: the registry is `index.docker.io`, as the catalog says. */
function normalizedHost(key: string): string {
  const host = dockerConfigKeyHost(key);
  return host === 'docker.io' || host === 'registry-1.docker.io' || host === 'registry.hub.docker.com' ? 'index.docker.io' : host;
}

export async function dockerConfigHosts(ctx: ServerContext): Promise<DockerConfigHosts> {
  await ctx.ready();
  const store = new DockerCredentialStore({ logger: ctx.logger });
  const keys = await store.listHosts();
  const registries = ctx.workspace.allRegistries().filter((entry) => entry.source !== 'portal');
  const hosts = [...new Set(keys.map(normalizedHost))].map((host) => {
    const connected = registries.find((entry) => endpointMatchesDomain(entry.endpoint, host));
    return { host, provider: guessProvider(host), ...(connected ? { connectedSlug: connected.slug } : {}) };
  });
  return { configPath: store.configPath, hosts };
}

export async function dockerConfigCredentials(ctx: ServerContext, params: { host: string }): Promise<{ username: string; secret: string } | null> {
  if (typeof params?.host !== 'string' || params.host === '') throw new ResponseError(ErrorCodes.InvalidParams, 'replicated-registries: DockerConfigCredentials needs a host.');
  const store = new DockerCredentialStore({ logger: ctx.logger });
  const credentials = await store.get({ slug: params.host, endpoint: params.host, provider: guessProvider(params.host) });
  // Never logged; registered by the store for redaction.
  return credentials ? { username: credentials.username, secret: credentials.secret } : null;
}
