/**
 * The registry a wizard is filling in (a *draft*), and what follows from it: the entry it would save,
 * the exact login a test of it uses, which steps the wizard shows for a provider, and the lines of the
 * edit form. Pure (no `vscode`), so it is unit-tested; provider facts come from the server's catalog.
 *
 * The login a test uses is exactly the one the draft would save: its username, and either the secret
 * just typed or — when nothing was typed — the saved one, but only for the host it was saved for (a
 * credential goes only to the host it was given for).
 */
import type { RegistryTestResult } from '../../../server/src/protocol/registryRequests';
import type { AuthOption, AuthType, Provider, ProviderRecord, RegistryEntry } from '../../../server/src/protocol/vocabulary';

export interface RegistryDraft {
  provider?: Provider;
  endpoint?: string;
  slug?: string;
  authType?: AuthType;
  username?: string;
  /** Typed (or imported) in this flow; in memory only until stored in SecretStorage. */
  secret?: string;
  caFile?: string;
  plainHttp?: boolean;
  insecureSkipTLSVerify?: boolean;
  appIds?: string[];
  testImage?: string;
  testResult?: RegistryTestResult;
}

/** A login saved in SecretStorage for an entry (slug and endpoint). */
export interface SavedLogin {
  endpoint: string;
  username: string;
  secret: string;
}

export function authOptionOf(record: ProviderRecord, authType: AuthType | undefined): AuthOption {
  return record.authOptions.find((option) => option.authType === authType) ?? (record.authOptions[0] as AuthOption);
}

export function draftFromEntry(entry: RegistryEntry): RegistryDraft {
  const draft: RegistryDraft = { provider: entry.provider, endpoint: entry.endpoint, slug: entry.slug, authType: entry.authType };
  if (entry.username !== undefined) draft.username = entry.username;
  if (entry.caFile) draft.caFile = entry.caFile;
  if (entry.plainHttp) draft.plainHttp = true;
  if (entry.insecureSkipTLSVerify) draft.insecureSkipTLSVerify = true;
  if (entry.appIds) draft.appIds = entry.appIds;
  return draft;
}

/** The entry the draft saves (metadata only). */
export function entryFromDraft(draft: RegistryDraft, record: ProviderRecord, source?: RegistryEntry['source']): RegistryEntry {
  const option = authOptionOf(record, draft.authType);
  const endpoint = record.fixedEndpoint ?? draft.endpoint ?? '';
  const entry: RegistryEntry = { slug: draft.slug || endpoint, provider: record.id, endpoint, authType: option.authType };
  const username = option.fixedUsername ?? draft.username;
  if (username && !option.fixedUsername) entry.username = username;
  if (draft.appIds && draft.appIds.length > 0) entry.appIds = draft.appIds;
  if (record.connectionOptions && source !== 'portal') {
    if (draft.caFile) entry.caFile = draft.caFile;
    if (draft.plainHttp) entry.plainHttp = true;
    if (draft.insecureSkipTLSVerify) entry.insecureSkipTLSVerify = true;
  }
  if (source) entry.source = source;
  return entry;
}

/** Endpoints compare as hosts do: case and a trailing dot do not matter. */
export function sameEndpoint(a: string, b: string): boolean {
  const norm = (value: string): string => value.trim().toLowerCase().replace(/\.$/, '');
  return norm(a) === norm(b);
}

/** Whether the saved login may be kept: it exists and was saved for the draft's own endpoint. */
export function canKeepSaved(draft: RegistryDraft, record: ProviderRecord, saved: SavedLogin | undefined): boolean {
  return saved !== undefined && sameEndpoint(saved.endpoint, record.fixedEndpoint ?? draft.endpoint ?? '');
}

/**
 * The login the draft would save, which is exactly what its test uses: the draft's username (or the
 * provider's fixed one) with the secret typed now, else the kept one for the same host; null = anonymous.
 */
export function draftLogin(draft: RegistryDraft, record: ProviderRecord, saved: SavedLogin | undefined): { username: string; secret: string } | null {
  const option = authOptionOf(record, draft.authType);
  const username = option.fixedUsername ?? draft.username ?? '';
  if (draft.secret !== undefined) return { username, secret: draft.secret };
  if (saved && canKeepSaved(draft, record, saved)) return { username, secret: saved.secret };
  return null;
}

export type StepId = 'provider' | 'endpoint' | 'name' | 'auth' | 'username' | 'secret' | 'connection' | 'test';

/**
 * The add wizard's visible steps for the answers so far (fixed endpoints and usernames are skipped).
 * A registry for the vendor portal has no connection options: Replicated's servers do its pulls.
 */
export function addSteps(record: ProviderRecord | undefined, authType: AuthType | undefined, prefilled: ReadonlySet<'provider' | 'endpoint'>, destination: 'workspace' | 'portal' = 'workspace'): StepId[] {
  const steps: StepId[] = [];
  if (!prefilled.has('provider')) steps.push('provider');
  if (!record || (!record.fixedEndpoint && !prefilled.has('endpoint'))) steps.push('endpoint');
  steps.push('name');
  if (!record || record.authOptions.length > 1) steps.push('auth');
  if (!record || !authOptionOf(record, authType).fixedUsername) steps.push('username');
  steps.push('secret');
  if (destination === 'workspace' && (!record || record.connectionOptions)) steps.push('connection');
  steps.push('test');
  return steps;
}

/** Re-enter Credentials: only the login, then the test. */
export function credentialSteps(record: ProviderRecord, authType: AuthType | undefined): StepId[] {
  return [...(authOptionOf(record, authType).fixedUsername ? [] : (['username'] as StepId[])), 'secret', 'test'];
}

/** One line of the edit form: a field with its current value, or an action. */
export interface FormLine {
  id: Exclude<StepId, 'provider' | 'test'> | 'save' | 'testAndSave';
  label: string;
  description: string;
}

/** The edit form: every field the provider lets one change, with its current value, then Save. */
export function editFormLines(draft: RegistryDraft, record: ProviderRecord, saved: SavedLogin | undefined, changed: boolean): FormLine[] {
  const option = authOptionOf(record, draft.authType);
  const lines: FormLine[] = [{ id: 'name', label: 'Name', description: draft.slug ?? '' }];
  if (!record.fixedEndpoint) lines.push({ id: 'endpoint', label: 'Endpoint', description: draft.endpoint ?? '' });
  if (record.authOptions.length > 1) lines.push({ id: 'auth', label: 'Authentication', description: option.label });
  if (!option.fixedUsername) lines.push({ id: 'username', label: capitalize(option.usernamePrompt ?? 'Username'), description: draft.username ?? '(none)' });
  const secret =
    draft.secret !== undefined
      ? 'new, not saved yet'
      : canKeepSaved(draft, record, saved)
        ? 'saved in your OS keychain'
        : saved
          ? `enter it again: the saved one was given for ${saved.endpoint}`
          : 'none on this machine';
  lines.push({ id: 'secret', label: capitalize(option.secretName), description: secret });
  if (record.connectionOptions) lines.push({ id: 'connection', label: 'Connection options', description: connectionText(draft) });
  lines.push({ id: 'testAndSave', label: 'Test and Save', description: changed ? 'test an image with these settings, then save' : 'test an image, then save' });
  lines.push({ id: 'save', label: 'Save', description: changed ? 'save without testing' : 'nothing changed yet' });
  return lines;
}

export function connectionText(draft: RegistryDraft): string {
  const options = [draft.plainHttp ? 'plain HTTP' : '', draft.insecureSkipTLSVerify ? 'TLS not verified' : '', draft.caFile ? `CA ${draft.caFile}` : ''].filter(Boolean);
  return options.length > 0 ? options.join(', ') : 'none (HTTPS, certificate verified)';
}

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
