/**
 * Registry credentials in VS Code's SecretStorage (the OS keychain), one entry per registry,
 * keyed by slug and endpoint so that pointing a name at another host never reuses a login.
 * The only place in the extension that reads or writes secrets.
 */
import * as vscode from 'vscode';
import { registerSecret } from '../../../server/src/protocol/redaction';

const KEY_PREFIX = 'replicated-registries.credentials:';

export interface StoredCredentials {
  username: string;
  secret: string;
}

export interface RegistryKey {
  slug: string;
  endpoint: string;
}

export function secretKey(registry: RegistryKey): string {
  return `${KEY_PREFIX}${registry.slug}@${registry.endpoint}`;
}

/** The slug a secret key belongs to, or `undefined` for keys that are not ours. */
export function slugOfSecretKey(key: string): string | undefined {
  if (!key.startsWith(KEY_PREFIX)) return undefined;
  const rest = key.slice(KEY_PREFIX.length);
  const at = rest.lastIndexOf('@');
  return at > 0 ? rest.slice(0, at) : undefined;
}

export class CredentialsVault implements vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<string>();
  /** Fires with the slug whose credentials were stored, replaced or deleted (also from another window). */
  readonly onDidChange = this.changeEmitter.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly storage: vscode.SecretStorage) {
    this.subscription = storage.onDidChange((event) => {
      const slug = slugOfSecretKey(event.key);
      if (slug !== undefined) this.changeEmitter.fire(slug);
    });
  }

  async get(registry: RegistryKey): Promise<StoredCredentials | undefined> {
    const raw = await this.storage.get(secretKey(registry));
    if (raw === undefined) return undefined;
    try {
      const parsed = JSON.parse(raw) as Partial<StoredCredentials>;
      if (typeof parsed.username !== 'string' || typeof parsed.secret !== 'string') return undefined;
      registerSecret(parsed.secret);
      return { username: parsed.username, secret: parsed.secret };
    } catch {
      return undefined;
    }
  }

  async has(registry: RegistryKey): Promise<boolean> {
    return (await this.get(registry)) !== undefined;
  }

  async store(registry: RegistryKey, credentials: StoredCredentials): Promise<void> {
    registerSecret(credentials.secret);
    await this.storage.store(secretKey(registry), JSON.stringify({ username: credentials.username, secret: credentials.secret }));
  }

  async delete(registry: RegistryKey): Promise<void> {
    await this.storage.delete(secretKey(registry));
  }

  dispose(): void {
    this.subscription.dispose();
    this.changeEmitter.dispose();
  }
}
