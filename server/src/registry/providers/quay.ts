import type { ProviderProfile } from './provider';

export const quayProvider: ProviderProfile = {
  id: 'quay',
  displayName: 'Quay',
  hint(verdict, { repository }) {
    switch (verdict) {
      case 'unauthorized':
        return 'Quay rejected the login: use a robot account (username <namespace>+<robot>, its token as the password) or your Quay username and an encrypted CLI password.';
      case 'denied':
        return `The account logged in but has no read permission on ${repository}: grant the robot account "Read" on the repository (or via a team) in Quay.`;
      default:
        return undefined;
    }
  },
};
