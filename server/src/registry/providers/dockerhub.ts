import type { ProviderProfile } from './provider';

export const dockerHubProvider: ProviderProfile = {
  id: 'dockerhub',
  displayName: 'Docker Hub',
  hint(verdict, { anonymous, repository }) {
    switch (verdict) {
      case 'unauthorized':
        return anonymous
          ? `Docker Hub answers "unauthorized" both for private repositories and for ones that do not exist: check that ${repository} is spelled right, or add credentials.`
          : 'Docker Hub rejected the login: use your Docker ID (not your e-mail address) and a password or a personal access token with at least "Read-only" access.';
      case 'denied':
        return `The Docker ID logged in but may not pull ${repository}: if it is private, add the account to the organization team that has read access (Docker Hub also hides repositories that do not exist behind this error).`;
      case 'rate-limited':
        return anonymous
          ? 'Anonymous Docker Hub pulls are limited per IP address (100 per 6 hours): connect Docker Hub credentials to get the higher authenticated limit, or wait for the Retry-After time.'
          : 'This Docker Hub account has reached its pull limit: wait for the Retry-After time or use an account on a paid plan.';
      case 'repository-not-found':
        return `Check the repository name on hub.docker.com; official images live under library/ (for example library/nginx).`;
      default:
        return undefined;
    }
  },
};
