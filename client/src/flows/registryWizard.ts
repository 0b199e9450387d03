/**
 * "Add External Registry", "Edit External Registry" and "Re-enter Credentials": QuickInput steps over
 * one draft (registryDraft.ts). Add walks the steps in order; Edit is one form with the current values —
 * pick a line, change that one field, come back — and Re-enter asks only for the login. Every question
 * about the draft goes to the language server (the catalog, each field's problems, the host's scheme, the
 * test of exactly the login that would be saved); nothing of the engine runs here.
 *
 * A failed test shows its whole verdict (a notification, and the detail of the suggested choice) and
 * offers the step that fixes it — connection options first for a TLS or plain-HTTP problem — in the
 * wizard's own words. The secret lives in this flow's memory until it is stored in SecretStorage; it is
 * never logged, shown or written anywhere else.
 */
import * as vscode from 'vscode';
import type {
  CheckRegistryDraftParams,
  CheckRegistryDraftResult,
  ProbeRegistryResult,
  RegistryTestResult,
  TestRegistryDraftParams,
} from '../../../server/src/protocol/registryRequests';
import type { AuthOption, Provider, ProviderRecord, RegistryEntry } from '../../../server/src/protocol/vocabulary';
import { registerSecret } from '../../../server/src/protocol/redaction';
import { errorMessage } from '../log';
import { verdictText } from '../text/verdictText';
import { InputFlowAction, MultiStepInput, type InputStep } from './multiStepInput';
import {
  addSteps,
  authOptionOf,
  canKeepSaved,
  capitalize,
  credentialSteps,
  draftFromEntry,
  draftLogin,
  editFormLines,
  entryFromDraft,
  sameEndpoint,
  type RegistryDraft,
  type SavedLogin,
  type StepId,
} from './registryDraft';

export type WizardMode = 'add' | 'edit' | 'credentials';

/** What the wizard needs from the rest of the extension (the server, mostly). */
export interface WizardServices {
  catalog(): Promise<ProviderRecord[]>;
  check(params: CheckRegistryDraftParams): Promise<CheckRegistryDraftResult>;
  probe(provider: Provider, endpoint: string): Promise<ProbeRegistryResult>;
  test(params: TestRegistryDraftParams): Promise<RegistryTestResult>;
  /** Workspace trust: an untrusted workspace makes no network request. */
  canTest(): boolean;
  /** Choosing plain HTTP or no TLS verification in the wizard is the user's consent, on this machine, for the host. */
  allowInsecure(host: string): Promise<void>;
}

/** A quick fix's or the Docker-config import's prefill. */
export interface WizardPrefill {
  provider: Provider;
  endpoint: string;
  image?: string;
  username?: string;
  secret?: string;
  /** Where the secret came from ("Docker's credential store"). */
  secretSource?: string;
  /** What the host needs, from a probe: preselected in the connection step. */
  plainHttp?: boolean;
  probeMessage?: string;
}

export interface WizardOptions {
  mode: WizardMode;
  destination: 'workspace' | 'portal';
  /** The registry being edited (edit, credentials). */
  original?: RegistryEntry;
  /** Its login in SecretStorage, if any. */
  saved?: SavedLogin;
  prefill?: WizardPrefill;
  /** Edit: open this line of the form first (a failed test's "Change Connection Options"). */
  startAt?: 'connection' | 'secret';
  folderUri?: string;
}

export interface WizardResult {
  entry: RegistryEntry;
  /** The login the entry saves (null: anonymous, nothing to store). */
  login: { username: string; secret: string } | null;
  /** No new secret was typed: the saved one stays (for the same host). */
  keptSaved: boolean;
  testResult?: RegistryTestResult;
  /** The host the login is bound to. */
  host: string;
}

const TITLES: Record<WizardMode, string> = { add: 'Add External Registry', edit: 'Edit External Registry', credentials: 'Re-enter Credentials' };

interface PickItem<T extends string = string> extends vscode.QuickPickItem {
  id: T;
}
interface ImageItem extends vscode.QuickPickItem {
  image?: string;
}

export async function runRegistryWizard(services: WizardServices, options: WizardOptions): Promise<WizardResult | undefined> {
  const catalog = await services.catalog();
  const recordOf = (provider: Provider | undefined): ProviderRecord | undefined => catalog.find((record) => record.id === provider);
  const { mode, original, saved, prefill } = options;
  const draft: RegistryDraft = original ? draftFromEntry(original) : {};
  const prefilled = new Set<'provider' | 'endpoint'>();
  if (prefill) {
    draft.provider = prefill.provider;
    draft.endpoint = recordOf(prefill.provider)?.fixedEndpoint ?? prefill.endpoint;
    if (prefill.image) draft.testImage = prefill.image;
    if (prefill.username) draft.username = prefill.username;
    if (prefill.secret) {
      registerSecret(prefill.secret);
      draft.secret = prefill.secret;
    }
    if (prefill.plainHttp) draft.plainHttp = true;
    prefilled.add('provider');
    // A prefilled endpoint is still shown (and can be corrected) unless the server accepts it as given.
    const checked = await services.check({ draft: { provider: prefill.provider, endpoint: draft.endpoint } });
    if (!checked.problems.endpoint) prefilled.add('endpoint');
  }
  const title = mode === 'add' ? TITLES.add : `${TITLES[mode]}: ${original?.slug ?? ''}`;
  const record = (): ProviderRecord => recordOf(draft.provider) ?? (catalog[catalog.length - 1] as ProviderRecord);
  const originalJson = JSON.stringify(draftFromEntry(original ?? ({} as RegistryEntry)));
  const changed = (): boolean => draft.secret !== undefined || JSON.stringify({ ...draftFromEntry(entryFromDraft(draft, record())) }) !== originalJson;
  let result: WizardResult | undefined;
  let probe: ProbeRegistryResult | undefined = prefill?.probeMessage ? { message: prefill.probeMessage, suggested: prefill.plainHttp ? { plainHttp: true } : {} } : undefined;

  const stepsFor = (): StepId[] => (mode === 'credentials' ? credentialSteps(record(), draft.authType) : addSteps(recordOf(draft.provider), draft.authType, prefilled, options.destination));
  const position = (id: StepId | 'testFailed' | 'form'): { title: string; step: number; totalSteps: number } => {
    if (mode === 'edit') return { title, step: 1, totalSteps: 1 };
    const steps = stepsFor();
    const index = id === 'testFailed' || id === 'form' ? steps.length - 1 : steps.indexOf(id);
    return { title, step: index + 1, totalSteps: steps.length };
  };
  /** After a field: the next step (add, credentials) or back to the form (edit). */
  const after = (id: StepId): InputStep | undefined => {
    if (mode === 'edit') return steps.form;
    const list = stepsFor();
    const next = list[list.indexOf(id) + 1];
    return next ? steps[next] : undefined;
  };
  const finish = async (testResult?: RegistryTestResult): Promise<void> => {
    const entry = entryFromDraft(draft, record(), original?.source ?? (options.destination === 'portal' ? 'portal' : undefined));
    const checked = await services.check({ draft: { provider: entry.provider, endpoint: entry.endpoint } });
    if ((entry.plainHttp || entry.insecureSkipTLSVerify) && options.destination === 'workspace') await services.allowInsecure(checked.host);
    result = { entry, login: draftLogin(draft, record(), saved), keptSaved: draft.secret === undefined, ...(testResult ? { testResult } : {}), host: checked.host };
  };
  const validateField = async (field: 'endpoint' | 'slug' | 'username', value: string): Promise<string | undefined> => {
    const checked = await services.check({ draft: { provider: draft.provider ?? 'other', authType: draft.authType, [field]: value }, ...(original ? { originalSlug: original.slug } : {}) });
    return checked.problems[field];
  };

  const steps: Record<StepId | 'testFailed' | 'form', InputStep> = {
    provider: async (input) => {
      const items: PickItem<Provider>[] = catalog.map((entry) => ({ id: entry.id, label: entry.label, detail: entry.detail }));
      const picked = await input.showQuickPick({ ...position('provider'), items, activeItem: items.find((item) => item.id === draft.provider), placeholder: 'Where are the images? Pick the registry provider', matchOnDetail: true });
      if (picked.id !== draft.provider) {
        draft.provider = picked.id;
        const chosen = record();
        draft.endpoint = chosen.fixedEndpoint ?? chosen.defaultEndpoint;
        draft.authType = undefined;
        probe = undefined;
        if (!original) draft.slug = undefined;
      }
      return after('provider');
    },
    endpoint: async (input) => {
      const chosen = record();
      const value = await input.showInputBox({
        ...position('endpoint'),
        value: draft.endpoint ?? chosen.defaultEndpoint ?? '',
        prompt: `The ${chosen.label} host${chosen.id === 'other' ? ' (and port), without https://' : ''}`,
        placeholder: `Registry endpoint, e.g. ${chosen.endpointExample}`,
        validate: (text) => validateField('endpoint', text),
      });
      const endpoint = value.trim();
      if (!draft.endpoint || !sameEndpoint(endpoint, draft.endpoint)) {
        probe = undefined;
        if (!original) draft.slug = undefined;
      }
      draft.endpoint = endpoint;
      return after('endpoint');
    },
    name: async (input) => {
      const chosen = record();
      const endpoint = chosen.fixedEndpoint ?? draft.endpoint ?? '';
      const suggested = draft.slug ?? (await services.check({ draft: { provider: chosen.id, endpoint }, ...(original ? { originalSlug: original.slug } : {}) })).suggestedSlug;
      const value = await input.showInputBox({
        ...position('name'),
        value: suggested,
        prompt: `A name for ${endpoint} — the registry's slug, shared with your team${options.destination === 'portal' ? ' in the vendor portal' : ' through .replicated-registries.yaml'}`,
        placeholder: 'Registry name, e.g. acme-ghcr',
        validate: (text) => validateField('slug', text),
      });
      draft.slug = value.trim();
      return after('name');
    },
    auth: async (input) => {
      const items: (PickItem & { option: AuthOption })[] = record().authOptions.map((option) => ({ id: option.authType, option, label: option.label, detail: option.detail }));
      const picked = await input.showQuickPick({ ...position('auth'), items, activeItem: items.find((item) => item.id === draft.authType), placeholder: 'How does this registry log in? Pick the authentication type' });
      if (picked.option.authType !== draft.authType) {
        // A secret typed for another auth type (password vs token) is not this one's; an imported one still is.
        if (draft.authType !== undefined && draft.secret !== prefill?.secret) draft.secret = undefined;
        draft.authType = picked.option.authType;
      }
      return after('auth');
    },
    username: async (input) => {
      const option = authOptionOf(record(), draft.authType);
      const value = await input.showInputBox({
        ...position('username'),
        value: draft.username ?? '',
        prompt: option.usernamePrompt ?? 'Username',
        placeholder: option.usernamePrompt ?? 'Username',
        validate: (text) => validateField('username', text),
      });
      draft.username = value.trim();
      return after('username');
    },
    secret: async (input) => {
      const option = authOptionOf(record(), draft.authType);
      const imported = prefill?.secret !== undefined && draft.secret === prefill.secret ? prefill.secretSource : undefined;
      const canKeep = mode !== 'add' && draft.secret === undefined && canKeepSaved(draft, record(), saved);
      if (option.secretFromFile) {
        const items: PickItem[] = [
          { id: 'choose', label: '$(file) Choose the JSON key file…', detail: 'Its content goes to your OS keychain, never to the workspace' },
          ...(draft.secret !== undefined ? [{ id: 'loaded', label: '$(check) Use the key file already chosen' }] : []),
          ...(canKeep ? [{ id: 'keep', label: '$(check) Keep the saved key' }] : []),
        ];
        const picked = await input.showQuickPick({ ...position('secret'), items, placeholder: `${capitalize(option.secretName)}: choose the service account's JSON key file` });
        if (picked.id === 'choose') {
          input.hide();
          const problem = await pickKeyFile(draft, services);
          if (problem) void vscode.window.showErrorMessage(problem);
          if (problem || draft.secret === undefined) return steps.secret;
        }
        return after('secret');
      }
      const hostChanged = mode !== 'add' && saved !== undefined && !canKeepSaved(draft, record(), saved);
      const value = await input.showInputBox({
        ...position('secret'),
        value: '',
        password: true,
        prompt: imported
          ? `Leave empty to use the ${option.secretName} found in ${imported}; it will be stored in your OS keychain`
          : canKeep
            ? `Leave empty to keep the saved ${option.secretName}; it is stored in your OS keychain`
            : hostChanged
              ? `The saved ${option.secretName} was given for ${saved?.endpoint ?? 'another host'} and is not sent to ${draft.endpoint ?? 'this host'}: enter the one for this host`
              : `The ${option.secretName} for ${option.fixedUsername ?? draft.username ?? 'this registry'}; it is stored in your OS keychain, never in a file`,
        placeholder: `${capitalize(option.secretName)}${imported ? ` (empty = use the one from ${imported})` : canKeep ? ' (empty = keep the saved one)' : ''}`,
        validate: (text) => (text === '' && !canKeep && draft.secret === undefined ? `Enter the ${option.secretName}.` : undefined),
      });
      if (value !== '') {
        registerSecret(value.trim());
        draft.secret = value.trim();
      }
      return after('secret');
    },
    connection: async (input) => {
      const endpoint = record().fixedEndpoint ?? draft.endpoint ?? '';
      if (!probe && services.canTest() && endpoint) {
        // Which scheme the host answers on decides what to preselect (and says so).
        probe = await input.busy(`checking how ${endpoint} answers…`, () => services.probe(record().id, endpoint).catch((error: unknown) => ({ message: `Could not tell how ${endpoint} answers: ${errorMessage(error)}`, suggested: {} })));
        if (mode === 'add' && probe.suggested.plainHttp) draft.plainHttp = true;
      }
      const plain: PickItem = { id: 'plain', label: 'Use plain HTTP', detail: probe?.answeredOver === 'http' ? 'This registry answered over plain HTTP' : 'For development registries without TLS (http://)' };
      const skip: PickItem = { id: 'skip', label: 'Skip TLS certificate verification', detail: 'Accept any certificate (not recommended)' };
      const ca: PickItem = {
        id: 'ca',
        label: 'Trust a CA certificate file…',
        detail: draft.caFile ? `Currently ${draft.caFile}` : probe?.tls === 'untrusted' ? 'This registry answered over HTTPS with a certificate this machine does not trust: choose its CA' : 'A PEM file with your private CA, for self-signed or corporate certificates',
      };
      const items = [plain, skip, ca];
      const selected = await input.showMultiPick({
        ...position('connection'),
        items,
        selected: items.filter((item) => (item === plain && draft.plainHttp) || (item === skip && draft.insecureSkipTLSVerify) || (item === ca && (draft.caFile || (mode === 'add' && probe?.suggested.caFile && !draft.plainHttp)))),
        placeholder: `${probe ? `${probe.message} ` : ''}Check what applies, or press Enter for none`,
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
        if (!draft.caFile) return steps.connection;
      }
      return after('connection');
    },
    test: async (input) => {
      const entry = entryFromDraft(draft, record());
      const checked = await services.check({ draft: { provider: entry.provider, endpoint: entry.endpoint } });
      const skipItem: ImageItem = { label: mode === 'edit' ? '$(debug-step-over) Save without testing' : '$(debug-step-over) Skip the test', description: 'save without testing' };
      if (!services.canTest()) skipItem.description = 'Restricted Mode: trust the workspace to test';
      const suggestions: ImageItem[] = checked.workspaceImages.map((found) => ({ label: found.image, description: `used in ${vscode.workspace.asRelativePath(vscode.Uri.parse(found.uri))}:${found.line + 1}`, image: found.image }));
      const itemsForValue = (value: string): ImageItem[] => {
        const typed = value.trim();
        return [...(typed ? [{ label: typed, description: 'test this image', image: typed }] : []), ...suggestions.filter((item) => item.image !== typed), skipItem];
      };
      const picked = await input.showQuickPick<ImageItem>({
        ...position('test'),
        items: [],
        itemsForValue,
        value: draft.testImage ?? '',
        placeholder: `Image to test on ${entry.endpoint}, e.g. my-company/my-image:1.0 (or ${mode === 'edit' ? 'save without testing' : 'skip the test'})`,
      });
      if (!picked.image || !services.canTest()) {
        draft.testResult = undefined;
        await finish();
        return undefined;
      }
      draft.testImage = picked.image;
      if ((entry.plainHttp || entry.insecureSkipTLSVerify) && options.destination === 'workspace') await services.allowInsecure(checked.host);
      const image = picked.image;
      let testResult: RegistryTestResult;
      try {
        testResult = await input.busy(`testing ${image}…`, () => services.test({ draft: entry, credentials: draftLogin(draft, record(), saved), image, ...(options.folderUri ? { folderUri: options.folderUri } : {}) }));
      } catch (error) {
        const message = errorMessage(error);
        testResult = { verdict: 'protocol-error', image, message, requests: 0, durationMs: 0, health: { state: 'unreachable', anonymous: true, verdict: 'protocol-error', message, image, checkedAt: new Date().toISOString(), by: 'test' } };
      }
      draft.testResult = testResult;
      if (testResult.verdict === 'ok') {
        await finish(testResult);
        return undefined;
      }
      return steps.testFailed;
    },
    testFailed: async (input) => {
      const testResult = draft.testResult;
      const whole = testResult ? verdictText(testResult) : 'The test failed.';
      const change = testResult?.advice?.change;
      const choices: { id: 'connection' | 'credentials' | 'endpoint' | 'retry' | 'save'; label: string }[] = [
        ...(record().connectionOptions && options.destination === 'workspace' ? [{ id: 'connection' as const, label: 'Change Connection Options' }] : []),
        { id: 'credentials', label: 'Change the Credentials' },
        ...(!record().fixedEndpoint && mode !== 'credentials' ? [{ id: 'endpoint' as const, label: 'Change the Endpoint' }] : []),
        { id: 'retry', label: 'Test Another Image' },
        { id: 'save', label: 'Save Anyway' },
      ];
      // The suggested step first: it is the dialog's default button.
      const suggestedId = change === 'image' ? 'retry' : change === 'none' || change === undefined ? 'retry' : change;
      const ordered = [...choices.filter((choice) => choice.id === suggestedId), ...choices.filter((choice) => choice.id !== suggestedId)];
      // The whole verdict, readable: a modal message wraps it, where a QuickPick line would cut it short.
      input.hide();
      const picked = await vscode.window.showErrorMessage(`Test of ${testResult?.image ?? 'the image'} failed (${testResult?.verdict ?? 'error'})`, { modal: true, detail: whole }, ...ordered.map((choice) => choice.label));
      switch (ordered.find((choice) => choice.label === picked)?.id) {
        case 'connection':
          return steps.connection;
        case 'endpoint':
          return steps.endpoint;
        case 'credentials': {
          const list = stepsFor();
          return steps[!authOptionOf(record(), draft.authType).fixedUsername && (mode !== 'edit' || list.includes('username')) ? 'username' : 'secret'];
        }
        case 'save':
          await finish(testResult);
          return undefined;
        default:
          // Test another image, or the dialog closed: back to the image.
          return steps.test;
      }
    },
    form: async (input) => {
      const lines = editFormLines(draft, record(), saved, changed());
      const items: PickItem[] = lines.map((line) => ({
        id: line.id,
        label: line.id === 'save' ? '$(save) Save' : line.id === 'testAndSave' ? '$(beaker) Test and Save' : line.label,
        description: line.description,
      }));
      const picked = await input.showQuickPick({ title, step: 1, totalSteps: 1, items, activeItem: items.find((item) => item.id === (changed() ? 'testAndSave' : 'name')), placeholder: 'Pick what to change; your edits are saved when you choose Save' });
      if (picked.id === 'save') {
        await finish();
        return undefined;
      }
      if (picked.id === 'testAndSave') return steps.test;
      return steps[picked.id as StepId];
    },
  };

  const first: InputStep = mode === 'edit' ? (options.startAt ? steps[options.startAt] : steps.form) : (steps[stepsFor()[0] ?? 'test']);
  const finished = await MultiStepInput.run(first);
  return finished ? result : undefined;
}

/** Opens a file dialog for a service-account key; on success puts its content in `draft.secret`. Returns a problem to show. */
async function pickKeyFile(draft: RegistryDraft, services: WizardServices): Promise<string | undefined> {
  const chosen = await vscode.window.showOpenDialog({ title: 'Service-account JSON key file', canSelectMany: false, openLabel: 'Use this key', filters: { 'JSON key': ['json'], 'All files': ['*'] } });
  const file = chosen?.[0];
  if (!file) return undefined;
  let text: string;
  try {
    text = Buffer.from(await vscode.workspace.fs.readFile(file)).toString('utf8').trim();
  } catch (error) {
    return `Could not read ${file.fsPath}: ${errorMessage(error)}. Choose another file.`;
  }
  registerSecret(text);
  const problem = (await services.check({ draft: { provider: draft.provider ?? 'gcr' }, serviceAccountKey: text })).problems.secret;
  if (problem) return `${file.fsPath}: ${problem}`;
  draft.secret = text;
  return undefined;
}

export { InputFlowAction };
