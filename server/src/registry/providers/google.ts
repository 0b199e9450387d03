/** Google Container Registry and Artifact Registry: Basic into the token realm with Google's fixed usernames. */
import type { Credentials } from '../types';
import type { ProviderProfile } from './provider';

/** The usernames Google's registries accept, each naming what the secret is. */
export const GOOGLE_USERNAMES = ['_json_key', '_json_key_base64', 'oauth2accesstoken'] as const;

/** When no Google username was given, choose it from the secret's shape (a JSON key, its base64, or an access token). */
function normalizeGoogleCredentials(credentials: Credentials): Credentials {
  if (credentials.username.trim() !== '') return credentials;
  const secret = credentials.secret.trim();
  let username: string;
  if (secret.startsWith('{')) username = '_json_key';
  else if (secret.startsWith('ewog') || secret.startsWith('eyJ0eXBlIj')) username = '_json_key_base64';
  else username = 'oauth2accesstoken';
  return { ...credentials, username };
}

function googleHint(product: 'gcr' | 'gar') {
  return (verdict: string, context: { anonymous: boolean; repository: string }): string | undefined => {
    switch (verdict) {
      case 'unauthorized':
        return context.anonymous
          ? 'Add credentials: username _json_key with a service-account JSON key (or _json_key_base64 with its base64, or oauth2accesstoken with an access token).'
          : 'Google rejected the login: use username _json_key and the whole service-account JSON key file as the password (or _json_key_base64 / oauth2accesstoken); check that the key has not been deleted or the access token has not expired.';
      case 'denied':
        return product === 'gar'
          ? `The service account has no read access to ${context.repository}: grant it roles/artifactregistry.reader on the repository or project.`
          : `The service account cannot read ${context.repository}: grant it roles/storage.objectViewer on the GCR bucket (or roles/artifactregistry.reader if gcr.io is served by Artifact Registry).`;
      case 'repository-not-found':
        return product === 'gar' ? 'Artifact Registry paths are <project>/<repository>/<image>: check all three parts.' : 'GCR paths start with the project id: <project>/<image>.';
      default:
        return undefined;
    }
  };
}

export const gcrProvider: ProviderProfile = {
  id: 'gcr',
  displayName: 'Google Container Registry',
  normalizeCredentials: normalizeGoogleCredentials,
  hint: googleHint('gcr'),
};

export const garProvider: ProviderProfile = {
  id: 'gar',
  displayName: 'Google Artifact Registry',
  normalizeCredentials: normalizeGoogleCredentials,
  hint: googleHint('gar'),
};

/**
 * The problem with a service-account JSON key's content, or undefined. Never quotes the content (it is
 * a private key). The CLI's `--serviceaccountkey` and the wizard's key file are checked with it.
 */
export function serviceAccountKeyProblem(text: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'That file is not JSON: choose the key file you downloaded for the service account (a .json file from IAM → Service accounts → Keys).';
  }
  const key = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  if (key.type !== 'service_account' || typeof key.private_key !== 'string' || typeof key.client_email !== 'string') {
    return 'That JSON is not a service-account key (it needs "type": "service_account", "client_email" and "private_key"); download a JSON key for the service account.';
  }
  return undefined;
}
