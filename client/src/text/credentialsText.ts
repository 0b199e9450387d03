/**
 * A registry's credentials on this machine, said in words for the Registries view: where they come
 * from (never the secret), or why there are none to use. No `vscode` import: unit-tested.
 */
import type { RegistryState } from '../../../server/src/protocol/registryRequests';

type Origin = NonNullable<RegistryState['credentials']['origin']>;

const ORIGIN_TEXT: Record<Origin, string> = {
  'secret-storage': 'OS keychain (VS Code SecretStorage)',
  'docker-credential-helper': 'Docker credential helper',
  'docker-config': 'Docker config (~/.docker/config.json)',
  environment: 'environment variables',
  stdin: 'standard input',
  prompt: 'prompt',
};

/** "from OS keychain (VS Code SecretStorage)", "none on this machine", "not used: <why>". */
export function credentialsText(credentials: RegistryState['credentials']): string {
  switch (credentials.state) {
    case 'found':
      return credentials.origin ? `from ${ORIGIN_TEXT[credentials.origin]}` : (credentials.reason ?? 'found');
    case 'none':
      return 'none on this machine';
    case 'withheld':
      return `not used: ${credentials.reason ?? 'the credential gate refused them'}`;
    case 'not-asked':
      return credentials.reason ?? 'not read: registry checks are off';
  }
}
