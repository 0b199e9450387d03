/**
 * The real-registry test harness: `docker-registry` processes (htpasswd over TLS, or token auth through a
 * token server in this process), images pushed with skopeo, a fault-injecting proxy, and a stand-in for
 * AWS's ECR API. Used by the integration tests, the benchmarks and `npm start`.
 */
export { startHtpasswdRegistry, startTokenRegistry, type RunningRegistry, type TokenRegistry, type TokenRegistryOptions } from './registries';
export { pushImage, tagImage, skopeoInspectRaw, SeedingClient, MEDIA_TYPES, MANIFEST_ACCEPT, type ImageFormat, type PushImageOptions, type PushedImage } from './images';
export { startFaultProxy, type FaultMode, type RunningFaultProxy, type RecordedRequest } from './faultProxy';
export { startEcrStandIn, signGetAuthorizationToken, type EcrStandInOptions, type RunningEcrStandIn } from './ecrStandIn';
export { assertToolsInstalled, findFreePort, waitUntil } from './processes';
export { startAttackerHost, basicRegistry, tokenRegistry, leakedSecrets, type AttackerHost, type CapturedRequest, type Responder } from './attackerHost';
