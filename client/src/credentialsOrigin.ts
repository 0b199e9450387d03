/**
 * Where a registry's credentials on this machine come from, said in words for the tree's tooltip:
 * a place (keychain, Docker config, environment), never the secret. No `vscode` import, so it is
 * unit-testable.
 */
import type { Credentials } from '../../server/src/registry/types';

export type CredentialsOrigin = NonNullable<Credentials['origin']>;

const CREDENTIALS_ORIGIN_TEXT: Record<CredentialsOrigin, string> = {
  'secret-storage': 'OS keychain (VS Code SecretStorage)',
  'docker-credential-helper': 'Docker credential helper',
  'docker-config': 'Docker config (~/.docker/config.json)',
  environment: 'environment variables',
  stdin: 'standard input',
  prompt: 'prompt',
};

/** "yes, from Docker config (~/.docker/config.json)", "yes" when the origin is unknown, "**none**" (markdown) when there are none. */
export function credentialsSourceText(view: { hasCredentials: boolean; credentialsOrigin?: CredentialsOrigin }): string {
  if (!view.hasCredentials) return '**none**';
  return view.credentialsOrigin ? `yes, from ${CREDENTIALS_ORIGIN_TEXT[view.credentialsOrigin]}` : 'yes';
}
