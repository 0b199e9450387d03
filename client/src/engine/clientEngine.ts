/**
 * The engine parts the extension host runs itself (pull checks of a registry that is not saved
 * yet). Bundled apart, as dist/clientEngine.js, because the HTTP stack is about half a megabyte
 * that activation should not have to parse; loaded by `loadClientEngine` on first use.
 */
export { RegistryClient } from '../../../server/src/registry/registryClient';
export { resolveTestImage } from '../../../server/src/registry/endpoints';
// The Vendor API client (vendor-portal mode): loaded only once the portal is connected or being connected.
export { PortalRegistryStore } from '../../../server/src/store/portal/portalStore';
