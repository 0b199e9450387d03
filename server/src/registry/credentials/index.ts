export { CredentialSourceError, CredentialsWithheldError, type CredentialLookup, type CredentialSource } from './types';
export { DockerCredentialStore, DOCKER_HUB_AUTH_KEY, dockerConfigKeyHost, dockerServerUrl, type CredentialLocation, type DockerCredentialStoreOptions } from './dockerCredentialStore';
export { EnvironmentCredentialSource, environmentVariableNames, ENVIRONMENT_PREFIX } from './environmentCredentialSource';
export { chainCredentialSources, type CredentialChain } from './chainCredentialSources';
export { credentialsForEntry, cliInsecureConsent, insecureHostList, listedInsecureConsent, ALLOW_INSECURE_VARIABLE, type CredentialAnswer, type InsecureConsent } from './credentialGate';
export { credentialHost, sameCredentialHost } from './hostBinding';
