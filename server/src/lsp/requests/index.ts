/**
 * Registers the client's management requests (protocol/registryRequests.ts, portalRequests.ts,
 * dockerConfigRequests.ts): one handler file per concept, each behind the `guarded` error boundary.
 */
import { DockerConfigCredentialsRequest, DockerConfigHostsRequest } from '../../protocol/dockerConfigRequests';
import { PortalAddRegistryRequest, PortalPullLogsRequest, PortalRemoveRegistryRequest, PortalTestRegistryRequest, PortalVerifyRequest } from '../../protocol/portalRequests';
import {
  CheckRegistryDraftRequest,
  ListRepositoriesRequest,
  ProbeRegistryRequest,
  ProviderCatalogRequest,
  RegistriesOverviewRequest,
  RemoveRegistryRequest,
  SaveRegistryRequest,
  TagDetailsRequest,
  TestRegistryDraftRequest,
} from '../../protocol/registryRequests';
import { guarded } from '../handlerErrors';
import { listRepositories, tagDetails } from './browse';
import { dockerConfigCredentials, dockerConfigHosts } from './dockerConfig';
import { registriesOverview } from './overview';
import { portalAdd, portalPullLogs, portalRemove, portalTest, portalVerify } from './portalOperations';
import { checkRegistryDraft, probeRegistry, providerCatalog, testRegistryDraft } from './registryDrafts';
import { removeRegistryFromFile, saveRegistry } from './registryEdits';
import type { ClientRequestContext } from './requestContext';

export function registerClientRequests(ctx: ClientRequestContext): void {
  const { connection, logger } = ctx;
  connection.onRequest(ProviderCatalogRequest, guarded(logger, ProviderCatalogRequest.method, () => providerCatalog()));
  connection.onRequest(CheckRegistryDraftRequest, guarded(logger, CheckRegistryDraftRequest.method, (params) => checkRegistryDraft(ctx, params)));
  connection.onRequest(TestRegistryDraftRequest, guarded(logger, TestRegistryDraftRequest.method, (params) => testRegistryDraft(ctx, params)));
  connection.onRequest(ProbeRegistryRequest, guarded(logger, ProbeRegistryRequest.method, (params) => probeRegistry(ctx, params)));
  connection.onRequest(SaveRegistryRequest, guarded(logger, SaveRegistryRequest.method, (params) => saveRegistry(ctx, params)));
  connection.onRequest(RemoveRegistryRequest, guarded(logger, RemoveRegistryRequest.method, (params) => removeRegistryFromFile(ctx, params)));
  connection.onRequest(RegistriesOverviewRequest, guarded(logger, RegistriesOverviewRequest.method, () => registriesOverview(ctx)));
  connection.onRequest(ListRepositoriesRequest, guarded(logger, ListRepositoriesRequest.method, (params) => listRepositories(ctx, params)));
  connection.onRequest(TagDetailsRequest, guarded(logger, TagDetailsRequest.method, (params) => tagDetails(ctx, params)));
  connection.onRequest(PortalVerifyRequest, guarded(logger, PortalVerifyRequest.method, (params) => portalVerify(ctx, params)));
  connection.onRequest(PortalAddRegistryRequest, guarded(logger, PortalAddRegistryRequest.method, (params) => portalAdd(ctx, params)));
  connection.onRequest(PortalRemoveRegistryRequest, guarded(logger, PortalRemoveRegistryRequest.method, (params) => portalRemove(ctx, params)));
  connection.onRequest(PortalTestRegistryRequest, guarded(logger, PortalTestRegistryRequest.method, (params) => portalTest(ctx, params)));
  connection.onRequest(PortalPullLogsRequest, guarded(logger, PortalPullLogsRequest.method, (params) => portalPullLogs(ctx, params)));
  connection.onRequest(DockerConfigHostsRequest, guarded(logger, DockerConfigHostsRequest.method, () => dockerConfigHosts(ctx)));
  connection.onRequest(DockerConfigCredentialsRequest, guarded(logger, DockerConfigCredentialsRequest.method, (params) => dockerConfigCredentials(ctx, params)));
}
