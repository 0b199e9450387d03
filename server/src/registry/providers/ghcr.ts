import type { ProviderProfile } from './provider';

export const ghcrProvider: ProviderProfile = {
  id: 'ghcr',
  displayName: 'GitHub Container Registry',
  hint(verdict, { anonymous, repository }) {
    switch (verdict) {
      case 'unauthorized':
        return anonymous
          ? `${repository} is private or does not exist: add a GitHub username and a classic personal access token with the read:packages scope.`
          : 'GHCR rejected the login: use your GitHub username and a classic personal access token (not a fine-grained one) with the read:packages scope; check that it has not expired.';
      case 'denied':
        return `The token works but cannot read ${repository}: give its owner read access to the package (package settings → Manage access), authorize the token for the organization's SSO if it uses SAML, and make sure the token has read:packages.`;
      default:
        return undefined;
    }
  },
};
