/**
 * "Add External Registry", "Edit External Registry" and "Re-enter Credentials": one multi-step
 * QuickInput with Back. Steps depend on the provider (fixed endpoints and usernames are skipped),
 * so the "(n/m)" in each title is computed from the current answers.
 *
 * The secret lives in this flow's memory until it is stored in SecretStorage; it is never logged,
 * never shown, and never written anywhere else.
 */
import * as vscode from 'vscode';
import type { AddRegistryPrefill, WorkspaceImage } from '../../../server/src/protocol/messages';
import type { AuthType, Provider, PullCheckResult, RegistryEntry } from '../../../server/src/registry/types';
import type { StoredCredentials } from '../credentialsVault';
import {
  authOptionOf,
  PROVIDER_INFO,
  PROVIDER_ORDER,
  suggestSlug,
  validateEndpoint,
  validateServiceAccountKey,
  validateSlug,
  type AuthOption,
} from '../providers';
import { endpointMatchesDomain } from '../../../server/src/registry/endpoints';
import { errorMessage } from '../log';
import { failureSentence } from '../failureText';
import { flowSteps, type FlowMode, type StepId as VisibleStepId } from './flowSteps';
import { InputFlowAction, MultiStepInput, type InputStep } from './multiStepInput';

export type { FlowMode };

/** The visible steps, plus the test-failure choice shown in place of the test step. */
type StepId = VisibleStepId | 'testFailed';

/** What the flow has gathered so far. */
export interface RegistryDraft {
  provider?: Provider;
  endpoint?: string;
  slug?: string;
  authType?: AuthType;
  username?: string;
  /** In memory only, until stored in SecretStorage. */
  secret?: string;
  caFile?: string;
  plainHttp?: boolean;
  insecureSkipTLSVerify?: boolean;
  testImage?: string;
  testResult?: PullCheckResult;
}

export interface FlowResult {
  entry: RegistryEntry;
  /** Absent when editing and the saved secret is kept. */
  credentials?: StoredCredentials;
  testResult?: PullCheckResult;
}

/** A quick fix's prefill, plus what the Docker config import found (`secretSource` names where the secret came from). */
export interface RegistryPrefill extends AddRegistryPrefill {
  username?: string;
  secret?: string;
  secretSource?: string;
}

/** What the flow needs from the rest of the extension. */
export interface FlowServices {
  existingSlugs(): Promise<string[]>;
  /** Whether a secret is already saved (edit and re-enter can keep it). */
  hasSavedSecret(entry: RegistryEntry): Promise<boolean>;
  /** Image suggestions for the test step (the workspace's references); may return [] quickly. */
  workspaceImages(): Promise<WorkspaceImage[]>;
  /** Runs the pull check for a not-yet-saved draft (`credentials` undefined = keep the saved secret). */
  test(entry: RegistryEntry, credentials: StoredCredentials | undefined, image: string): Promise<PullCheckResult>;
  /** Workspace trust: an untrusted workspace makes no network request. */
  canTest(): boolean;
}

const TITLES: Record<FlowMode, string> = {
  add: 'Add External Registry',
  edit: 'Edit External Registry',
  credentials: 'Re-enter Credentials',
};

interface ProviderItem extends vscode.QuickPickItem {
  provider: Provider;
}
interface AuthItem extends vscode.QuickPickItem {
  option: AuthOption;
}
interface ActionItem extends vscode.QuickPickItem {
  action: string;
}
interface ImageItem extends vscode.QuickPickItem {
  image?: string;
}

function draftFromEntry(entry: RegistryEntry): RegistryDraft {
  const draft: RegistryDraft = { provider: entry.provider, endpoint: entry.endpoint, slug: entry.slug, authType: entry.authType };
  if (entry.username !== undefined) draft.username = entry.username;
  if (entry.caFile) draft.caFile = entry.caFile;
  if (entry.plainHttp) draft.plainHttp = true;
  if (entry.insecureSkipTLSVerify) draft.insecureSkipTLSVerify = true;
  return draft;
}

function entryFromDraft(draft: RegistryDraft, original?: RegistryEntry): RegistryEntry {
  const provider = draft.provider ?? 'other';
  const info = PROVIDER_INFO[provider];
  const option = authOptionOf(provider, draft.authType);
  const entry: RegistryEntry = {
    slug: draft.slug ?? '',
    provider,
    endpoint: info.fixedEndpoint ?? draft.endpoint ?? '',
    authType: option.authType,
  };
  const username = option.fixedUsername ?? draft.username;
  if (username) entry.username = username;
  if (original?.appIds) entry.appIds = original.appIds;
  if (info.connectionOptions) {
    if (draft.caFile) entry.caFile = draft.caFile;
    if (draft.plainHttp) entry.plainHttp = true;
    if (draft.insecureSkipTLSVerify) entry.insecureSkipTLSVerify = true;
  }
  if (original?.source) entry.source = original.source;
  return entry;
}

/**
 * Runs the flow. `original` is the entry being edited (edit, credentials); `prefill` comes from the
 * language server's "Connect this registry" quick fix or the Docker config import.
 */
export async function runRegistryFlow(
  mode: FlowMode,
  services: FlowServices,
  options: { original?: RegistryEntry; prefill?: RegistryPrefill } = {},
): Promise<FlowResult | undefined> {
  const { original, prefill } = options;
  const draft: RegistryDraft = original ? draftFromEntry(original) : {};
  const fixedSteps = new Set<'provider' | 'endpoint'>();
  if (prefill) {
    draft.provider = prefill.provider;
    draft.endpoint = PROVIDER_INFO[prefill.provider].fixedEndpoint ?? prefill.endpoint;
    if (prefill.image) draft.testImage = prefill.image;
    if (prefill.username) draft.username = prefill.username;
    if (prefill.secret) draft.secret = prefill.secret;
    fixedSteps.add('provider');
    // A prefilled endpoint is still shown (and can be corrected) unless it is valid as given.
    if (validateEndpoint(prefill.provider, draft.endpoint) === undefined) fixedSteps.add('endpoint');
  }
  const taken = (await services.existingSlugs()).filter((slug) => slug !== original?.slug);
  const savedSecret = original ? await services.hasSavedSecret(original) : false;
  const title = mode === 'credentials' && original ? `${TITLES.credentials}: ${original.slug}` : TITLES[mode];
  let result: FlowResult | undefined;

  const stepsFor = (): StepId[] => flowSteps(mode, draft, fixedSteps);
  const position = (id: StepId): { title: string; step: number; totalSteps: number } => {
    const steps = stepsFor();
    const index = id === 'testFailed' ? steps.length - 1 : steps.indexOf(id);
    return { title, step: index + 1, totalSteps: steps.length };
  };
  const after = (id: StepId): InputStep | undefined => {
    const steps = stepsFor();
    const next = steps[steps.indexOf(id) + 1];
    return next ? stepFunctions[next] : undefined;
  };

  const stepFunctions: Record<StepId, InputStep> = {
    provider: async (input) => {
      const items: ProviderItem[] = PROVIDER_ORDER.map((provider) => ({
        provider,
        label: PROVIDER_INFO[provider].label,
        detail: PROVIDER_INFO[provider].detail,
      }));
      const picked = await input.showQuickPick({
        ...position('provider'),
        items,
        activeItem: items.find((item) => item.provider === draft.provider),
        placeholder: 'Where are the images? Pick the registry provider',
        matchOnDetail: true,
      });
      if (picked.provider !== draft.provider) {
        draft.provider = picked.provider;
        draft.endpoint = PROVIDER_INFO[picked.provider].fixedEndpoint ?? PROVIDER_INFO[picked.provider].suggestedEndpoint;
        draft.authType = undefined;
        if (!original) draft.slug = undefined;
      }
      return after('provider');
    },
    endpoint: async (input) => {
      const provider = draft.provider ?? 'other';
      const info = PROVIDER_INFO[provider];
      const value = await input.showInputBox({
        ...position('endpoint'),
        value: draft.endpoint ?? info.suggestedEndpoint ?? '',
        prompt: `The ${info.label} host${provider === 'other' ? ' (and port), without https://' : ''}`,
        placeholder: `Registry endpoint, e.g. ${info.endpointPlaceholder ?? info.suggestedEndpoint ?? 'registry.example.com'}`,
        validate: (text) => validateEndpoint(provider, text),
      });
      const endpoint = value.trim();
      if (endpoint !== draft.endpoint && !original) draft.slug = undefined;
      draft.endpoint = endpoint;
      return after('endpoint');
    },
    name: async (input) => {
      const provider = draft.provider ?? 'other';
      const endpoint = PROVIDER_INFO[provider].fixedEndpoint ?? draft.endpoint ?? '';
      const value = await input.showInputBox({
        ...position('name'),
        value: draft.slug ?? suggestSlug(provider, endpoint, taken),
        prompt: `A name for ${endpoint} — the registry's slug, shared with your team through ${'.replicated-registries.yaml'}`,
        placeholder: 'Registry name, e.g. acme-ghcr',
        validate: (text) => validateSlug(text, taken),
      });
      draft.slug = value.trim();
      return after('name');
    },
    auth: async (input) => {
      const provider = draft.provider ?? 'other';
      const items: AuthItem[] = PROVIDER_INFO[provider].authOptions.map((option) => ({ option, label: option.label, detail: option.detail }));
      const picked = await input.showQuickPick({
        ...position('auth'),
        items,
        activeItem: items.find((item) => item.option.authType === draft.authType),
        placeholder: 'How does this registry log in? Pick the authentication type',
      });
      if (picked.option.authType !== draft.authType) {
        // A secret typed for another auth type (password vs token) is not this one's; an imported one still is.
        if (draft.authType !== undefined) draft.secret = undefined;
        draft.authType = picked.option.authType;
      }
      return after('auth');
    },
    username: async (input) => {
      const option = authOptionOf(draft.provider ?? 'other', draft.authType);
      const value = await input.showInputBox({
        ...position('username'),
        value: draft.username ?? '',
        prompt: option.usernamePrompt ?? 'Username',
        placeholder: option.usernamePrompt ?? 'Username',
        validate: (text) => (text.trim() === '' ? `Enter the ${option.usernamePrompt?.toLowerCase() ?? 'username'}.` : undefined),
      });
      draft.username = value.trim();
      return stepsFor().includes('secret') ? stepFunctions.secret : undefined;
    },
    secret: async (input) => {
      const option = authOptionOf(draft.provider ?? 'other', draft.authType);
      const imported = prefill?.secret !== undefined && draft.secret === prefill.secret ? prefill.secretSource : undefined;
      const canKeep = savedSecret && draft.secret === undefined && mode === 'edit';
      if (option.secretFromFile) {
        const choose: ActionItem = { action: 'choose', label: '$(file) Choose the JSON key file…', detail: 'Its content goes to your OS keychain, never to the workspace' };
        const keep: ActionItem = { action: 'keep', label: '$(check) Keep the saved key' };
        const loaded: ActionItem = { action: 'loaded', label: '$(check) Use the key file already chosen' };
        const items = [choose, ...(draft.secret !== undefined ? [loaded] : []), ...(canKeep ? [keep] : [])];
        const picked = await input.showQuickPick({
          ...position('secret'),
          items,
          placeholder: `${capitalize(option.secretName)}: choose the service account's JSON key file`,
        });
        if (picked.action === 'choose') {
          input.hide();
          const problem = await pickKeyFile(draft);
          if (problem) void vscode.window.showErrorMessage(problem);
          if (problem || draft.secret === undefined) return stepFunctions.secret;
        }
        return after('secret');
      }
      const value = await input.showInputBox({
        ...position('secret'),
        value: '',
        password: true,
        prompt: imported
          ? `Leave empty to use the ${option.secretName} found in ${imported}; it will be stored in your OS keychain`
          : canKeep
          ? `Leave empty to keep the saved ${option.secretName}; it is stored in your OS keychain`
          : `The ${option.secretName} for ${option.fixedUsername ?? draft.username ?? 'this registry'}; it is stored in your OS keychain, never in a file`,
        placeholder: `${capitalize(option.secretName)}${imported ? ` (empty = use the one from ${imported})` : canKeep ? ' (empty = keep the saved one)' : ''}`,
        validate: (text) => (text === '' && !canKeep && draft.secret === undefined ? `Enter the ${option.secretName}.` : undefined),
      });
      if (value !== '') draft.secret = value.trim();
      return after('secret');
    },
    connection: async (input) => {
      const plain: ActionItem = { action: 'plain', label: 'Use plain HTTP', detail: 'For development registries without TLS (http://)' };
      const skip: ActionItem = { action: 'skip', label: 'Skip TLS certificate verification', detail: 'Accept any certificate (not recommended)' };
      const ca: ActionItem = {
        action: 'ca',
        label: 'Trust a CA certificate file…',
        detail: draft.caFile ? `Currently ${draft.caFile}` : 'A PEM file with your private CA, for self-signed or corporate certificates',
      };
      const items = [plain, skip, ca];
      const selected = await input.showMultiPick({
        ...position('connection'),
        items,
        selected: items.filter(
          (item) => (item === plain && draft.plainHttp) || (item === skip && draft.insecureSkipTLSVerify) || (item === ca && draft.caFile),
        ),
        placeholder: 'Connection options: check what applies, or press Enter for none',
      });
      draft.plainHttp = selected.includes(plain);
      draft.insecureSkipTLSVerify = selected.includes(skip);
      if (!selected.includes(ca)) {
        draft.caFile = undefined;
      } else {
        input.hide();
        const chosen = await vscode.window.showOpenDialog({
          title: 'CA certificate (PEM) to trust for this registry',
          canSelectMany: false,
          openLabel: 'Trust this CA',
          filters: { 'PEM certificates': ['pem', 'crt', 'cer'], 'All files': ['*'] },
          ...(draft.caFile ? { defaultUri: vscode.Uri.file(draft.caFile) } : {}),
        });
        const file = chosen?.[0];
        if (file) draft.caFile = file.fsPath;
        if (!draft.caFile) return stepFunctions.connection;
      }
      return after('connection');
    },
    test: async (input) => {
      const entry = entryFromDraft(draft, original);
      const host = entry.endpoint;
      const skipItem: ImageItem = { label: '$(debug-step-over) Skip the test', description: 'save without testing' };
      if (!services.canTest()) skipItem.description = 'Restricted Mode: trust the workspace to test';
      const suggestions = await suggestionsFor(services, host);
      const itemsForValue = (value: string): ImageItem[] => {
        const typed = value.trim();
        const typedItem: ImageItem[] = typed ? [{ label: typed, description: 'test this image', image: typed }] : [];
        const matching = suggestions.filter((item) => item.image !== typed);
        return [...typedItem, ...matching, skipItem];
      };
      const picked = await input.showQuickPick<ImageItem>({
        ...position('test'),
        items: [],
        itemsForValue,
        value: draft.testImage ?? '',
        placeholder: `Image to test on ${host}, e.g. my-company/my-image:1.0 (or Skip the test)`,
      });
      if (!picked.image || !services.canTest()) {
        draft.testResult = undefined;
        result = { entry, ...credentialsOf(draft, entry), testResult: undefined };
        return undefined;
      }
      draft.testImage = picked.image;
      const image = picked.image;
      let testResult: PullCheckResult;
      try {
        testResult = await input.busy(`testing ${image}…`, () => services.test(entry, credentialsOf(draft, entry).credentials, image));
      } catch (error) {
        testResult = { verdict: 'protocol-error', image, message: errorMessage(error), requests: 0, durationMs: 0 };
      }
      draft.testResult = testResult;
      if (testResult.verdict === 'ok') {
        result = { entry, ...credentialsOf(draft, entry), testResult };
        return undefined;
      }
      return stepFunctions.testFailed;
    },
    testFailed: async (input) => {
      const testResult = draft.testResult;
      const entry = entryFromDraft(draft, original);
      const credentialStep: StepId = stepsFor().includes('username') ? 'username' : 'secret';
      const change: ActionItem = { action: 'credentials', label: '$(key) Change the credentials', detail: 'Go back to the login steps' };
      const retry: ActionItem = { action: 'retry', label: '$(debug-restart) Test another image' };
      const save: ActionItem = { action: 'save', label: '$(save) Save anyway', detail: 'Keep the registry and fix it later' };
      const picked = await input.showQuickPick({
        ...position('testFailed'),
        items: [change, retry, save],
        placeholder: `Test failed (${testResult?.verdict ?? 'error'}): ${failureSentence(testResult?.message ?? '', testResult?.hint)}`,
      });
      if (picked.action === 'credentials') return stepFunctions[credentialStep];
      if (picked.action === 'retry') return stepFunctions.test;
      result = { entry, ...credentialsOf(draft, entry), ...(testResult ? { testResult } : {}) };
      return undefined;
    },
  };

  const first = stepsFor()[0] ?? 'test';
  const finished = await MultiStepInput.run(stepFunctions[first]);
  return finished ? result : undefined;
}

function credentialsOf(draft: RegistryDraft, entry: RegistryEntry): { credentials?: StoredCredentials } {
  if (draft.secret === undefined) return {};
  return { credentials: { username: entry.username ?? '', secret: draft.secret } };
}

async function suggestionsFor(services: FlowServices, host: string): Promise<ImageItem[]> {
  let images: WorkspaceImage[];
  try {
    images = await services.workspaceImages();
  } catch {
    return [];
  }
  const seen = new Set<string>();
  const items: ImageItem[] = [];
  for (const image of images) {
    if (!image.domain || !image.path || !endpointMatchesDomain(host, image.domain)) continue;
    const relative = `${image.path}${image.digest ? `@${image.digest}` : `:${image.tag ?? 'latest'}`}`;
    if (seen.has(relative)) continue;
    seen.add(relative);
    items.push({ label: relative, description: `used in ${vscode.workspace.asRelativePath(vscode.Uri.parse(image.uri))}`, image: relative });
  }
  return items;
}

/** Opens a file dialog for a service-account key; on success puts its content in `draft.secret`. Returns a problem to show. */
async function pickKeyFile(draft: RegistryDraft): Promise<string | undefined> {
  const chosen = await vscode.window.showOpenDialog({
    title: 'Service-account JSON key file',
    canSelectMany: false,
    openLabel: 'Use this key',
    filters: { 'JSON key': ['json'], 'All files': ['*'] },
  });
  const file = chosen?.[0];
  if (!file) return undefined;
  let text: string;
  try {
    text = Buffer.from(await vscode.workspace.fs.readFile(file)).toString('utf8');
  } catch (error) {
    return `Could not read ${file.fsPath}: ${errorMessage(error)}. Choose another file.`;
  }
  const problem = validateServiceAccountKey(text);
  if (problem) return `${file.fsPath}: ${problem}`;
  draft.secret = text.trim();
  return undefined;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export { InputFlowAction };
