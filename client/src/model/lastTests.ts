/**
 * What the user's own tests said about each registry (its health, never a credential), kept in
 * workspaceState so a restart of the language server or of VS Code does not forget it. The server's
 * own record (background checks included) is newer when it is: the view shows the latest of the two.
 */
import type * as vscode from 'vscode';
import type { RegistryHealth } from '../../../server/src/protocol/registryRequests';

const STATE_KEY = 'replicated-registries.lastTests';

/** Portal entries apart, so a workspace entry of the same name never shows the portal's health. */
export function testKey(entry: { slug: string; endpoint: string; source?: 'workspace' | 'portal' }): string {
  return `${entry.source === 'portal' ? 'portal:' : ''}${entry.slug}@${entry.endpoint}`;
}

export class LastTests {
  constructor(private readonly memento: vscode.Memento) {}

  get(entry: Parameters<typeof testKey>[0]): RegistryHealth | undefined {
    return this.all()[testKey(entry)];
  }

  async record(entry: Parameters<typeof testKey>[0], health: RegistryHealth): Promise<void> {
    await this.memento.update(STATE_KEY, { ...this.all(), [testKey(entry)]: health });
  }

  async forget(entry: Parameters<typeof testKey>[0]): Promise<void> {
    const next = { ...this.all() };
    delete next[testKey(entry)];
    await this.memento.update(STATE_KEY, next);
  }

  private all(): Record<string, RegistryHealth> {
    return this.memento.get<Record<string, RegistryHealth>>(STATE_KEY) ?? {};
  }
}

/** The newer of two health records. */
export function latestHealth(a: RegistryHealth | undefined, b: RegistryHealth | undefined): RegistryHealth | undefined {
  if (!a) return b;
  if (!b) return a;
  return Date.parse(b.checkedAt) > Date.parse(a.checkedAt) ? b : a;
}
