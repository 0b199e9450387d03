import type { ProviderProfile } from './provider';

export const otherProvider: ProviderProfile = {
  id: 'other',
  displayName: 'registry',
  hint() {
    return undefined;
  },
};
