/**
 * Everything heavy the extension host runs, bundled apart as dist/clientEngine.js so activation
 * does not parse it (dist/client.js stays small): the language client and the protocol's message
 * types (vscode-languageclient, vscode-jsonrpc), the registries-file parser/editor (yaml + the
 * generated ajv validator), Docker's config reader, and the registry HTTP stack for pull checks of
 * a registry that is not saved yet. Loaded by `loadClientEngine` on first use.
 */
export { RegistryClient } from '../../../server/src/registry/registryClient';
export { resolveTestImage, endpointMatchesDomain } from '../../../server/src/registry/endpoints';
export { credentialHost } from '../../../server/src/registry/credentials/hostBinding';
// The Vendor API client (vendor-portal mode): loaded only once the portal is connected or being connected.
export { PortalRegistryStore } from '../../../server/src/store/portal/portalStore';
// The language client: constructed only when the server starts.
export { LanguageClient, TransportKind, RevealOutputChannelOn } from 'vscode-languageclient/node';
// Request and notification types: their runtime values come from vscode-languageserver-protocol.
export * as messages from '../../../server/src/protocol/messages';
// Reading and editing .replicated-registries.yaml (yaml + the schema validator).
export { parseRegistriesFile, upsertRegistry, removeRegistry, RegistryNotFoundError } from '../../../server/src/store/registriesFile';
// "Import from Docker Config": Docker's config file and credential helpers.
export { DockerCredentialStore } from '../../../server/src/registry/credentials/dockerCredentialStore';
