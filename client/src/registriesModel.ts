/**
 * The team's registries as the extension sees them: entries from a backend, whether this machine
 * holds credentials for each, and the last test verdict.
 *
 * Backends: the workspace file `.replicated-registries.yaml`, and the team's registries in the
 * Replicated vendor portal once "Connect Vendor Portal" has run (portal/vendorPortal.ts). The view
 * and the commands key off `entry.source` / `backend.kind`.
 */
import * as vscode from 'vscode';
import type { RegistryEntry } from '../../server/src/registry/types';
import type { CredentialsOrigin } from './credentialsOrigin';

export type { CredentialsOrigin } from './credentialsOrigin';
import type { CredentialsVault, StoredCredentials } from './credentialsVault';
import { lastCheckFromResult, type LastCheck, type LastChecks } from './lastChecks';
import { errorMessage, type ClientLogger } from './log';
import { lastCheckKey, mergeWithPortal } from './portal/portalFormat';
import { PortalBackend, type VendorPortal } from './portal/vendorPortal';
import type { ServerConnection } from './serverConnection';
import { loadClientEngine, type ClientEngine } from './engine/loadClientEngine';

export const REGISTRIES_FILE_NAME = '.replicated-registries.yaml';

export interface RegistryView {
  entry: RegistryEntry;
  /**
   * This machine has credentials for it: a secret in SecretStorage, or (when the language server
   * runs) whatever the server itself can use — Docker's config and credential helpers, the environment.
   */
  hasCredentials: boolean;
  /** Where they come from (never the secret itself); undefined when unknown or there are none. */
  credentialsOrigin?: CredentialsOrigin;
  lastCheck?: LastCheck;
}

export interface RegistriesBackend {
  readonly kind: 'workspace' | 'portal';
  /** Credentials stay on this machine (workspace file) or go to the backend (portal). */
  readonly storesCredentialsLocally: boolean;
  list(): Promise<RegistryEntry[]>;
  /**
   * Adds or replaces (same slug, or `previous.slug` when renamed). `credentials` matter only to a
   * backend that does not store them locally (the portal sends them to Replicated).
   */
  save(entry: RegistryEntry, previous?: RegistryEntry, credentials?: StoredCredentials): Promise<void>;
  remove(entry: RegistryEntry): Promise<void>;
}

/** Metadata written to the file: no `source`, no empty optional fields. */
function fileEntry(entry: RegistryEntry): RegistryEntry {
  const out: RegistryEntry = { slug: entry.slug, provider: entry.provider, endpoint: entry.endpoint, authType: entry.authType };
  if (entry.username) out.username = entry.username;
  if (entry.appIds && entry.appIds.length > 0) out.appIds = entry.appIds;
  if (entry.caFile) out.caFile = entry.caFile;
  if (entry.insecureSkipTLSVerify) out.insecureSkipTLSVerify = true;
  if (entry.plainHttp) out.plainHttp = true;
  return out;
}

const NEW_FILE_HEADER =
  '# The external registries this application pulls from, shared with the team through version control.\n' +
  "# No secrets here: each person's credentials stay in their OS keychain (VS Code) or Docker credential store (CLI).\n";

export class WorkspaceFileBackend implements RegistriesBackend {
  readonly kind = 'workspace' as const;
  readonly storesCredentialsLocally = true;

  constructor(private readonly logger: ClientLogger) {}

  /** The registries file of the workspace: a folder root's first, else the first one found below. */
  async locate(): Promise<vscode.Uri | undefined> {
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const candidate = vscode.Uri.joinPath(folder.uri, REGISTRIES_FILE_NAME);
      if (await exists(candidate)) return candidate;
    }
    if (!vscode.workspace.workspaceFolders?.length) return undefined;
    const found = await vscode.workspace.findFiles(`**/${REGISTRIES_FILE_NAME}`, '**/node_modules/**', 1);
    return found[0];
  }

  async list(): Promise<RegistryEntry[]> {
    const uri = await this.locate();
    if (!uri) return [];
    const text = await readText(uri);
    const { parseRegistriesFile } = await loadRegistriesFileModule();
    const parsed = parseRegistriesFile(text, uri.fsPath);
    return parsed.config.registries.map((entry) => ({ ...entry, source: 'workspace' as const }));
  }

  async save(entry: RegistryEntry, previous?: RegistryEntry): Promise<void> {
    const { removeRegistry, upsertRegistry, RegistryNotFoundError } = await loadRegistriesFileModule();
    await this.edit((text, filePath) => {
      let base = text;
      if (previous && previous.slug !== entry.slug) {
        try {
          base = removeRegistry(text, previous.slug);
        } catch (error) {
          // Renamed from an entry someone already removed: adding the new one is all that is left.
          if (!(error instanceof RegistryNotFoundError)) throw error;
        }
      }
      return upsertRegistry(base, fileEntry(entry), { filePath });
    });
    this.logger.info(`Saved registry ${entry.slug} (${entry.endpoint}) to ${REGISTRIES_FILE_NAME}.`);
  }

  async remove(entry: RegistryEntry): Promise<void> {
    const { removeRegistry } = await loadRegistriesFileModule();
    await this.edit((text) => removeRegistry(text, entry.slug));
    this.logger.info(`Removed registry ${entry.slug} from ${REGISTRIES_FILE_NAME}.`);
  }

  /** Rewrites the file through the editor buffer when it exists (keeps undo and unsaved edits), else creates it. */
  private async edit(change: (text: string, filePath: string) => string): Promise<void> {
    const located = await this.locate();
    if (!located) {
      const folder = vscode.workspace.workspaceFolders?.[0];
      if (!folder) throw new Error(`Open the folder of your application first: the registries are kept in its ${REGISTRIES_FILE_NAME}.`);
      const uri = vscode.Uri.joinPath(folder.uri, REGISTRIES_FILE_NAME);
      await vscode.workspace.fs.writeFile(uri, Buffer.from(change(NEW_FILE_HEADER, uri.fsPath), 'utf8'));
      return;
    }
    const document = await vscode.workspace.openTextDocument(located);
    const updated = change(document.getText(), located.fsPath);
    if (updated === document.getText()) return;
    const edit = new vscode.WorkspaceEdit();
    edit.replace(located, new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), updated);
    if (!(await vscode.workspace.applyEdit(edit))) {
      throw new Error(`Could not edit ${vscode.workspace.asRelativePath(located)}: it may be read-only. Check the file's permissions and try again.`);
    }
    if (!(await document.save())) {
      throw new Error(`Could not save ${vscode.workspace.asRelativePath(located)}. Save it by hand (File > Save) to keep the change.`);
    }
  }
}

export class RegistriesModel {
  readonly workspaceBackend: WorkspaceFileBackend;
  readonly portalBackend: PortalBackend;
  /** The portal's last listing failure, shown in the view (the workspace's registries still are). */
  portalError: string | undefined;

  constructor(
    private readonly server: ServerConnection,
    private readonly vault: CredentialsVault,
    private readonly lastChecks: LastChecks,
    private readonly logger: ClientLogger,
    readonly portal: VendorPortal,
  ) {
    this.workspaceBackend = new WorkspaceFileBackend(logger);
    this.portalBackend = new PortalBackend(portal, logger);
  }

  /** The backend new registries go to by default: the commands ask between the two when the portal is connected. */
  get primaryBackend(): RegistriesBackend {
    return this.workspaceBackend;
  }

  backendFor(entry: RegistryEntry): RegistriesBackend {
    return entry.source === 'portal' ? this.portalBackend : this.workspaceBackend;
  }

  /**
   * The registries, from the running server (which also knows their last verdicts) or, before it
   * runs or when it fails, parsed here with the same engine code.
   */
  async list(): Promise<RegistryView[]> {
    let entries: { entry: RegistryEntry; serverCheck?: LastCheck; serverCredentials?: { origin?: CredentialsOrigin } }[];
    if (this.server.isRunning) {
      try {
        const statuses = await this.server.listRegistries();
        entries = statuses.map((status) => {
          const { hasCredentials, credentialsOrigin, lastCheck, ...entry } = status;
          const serverCheck = lastCheckFromResult(lastCheck);
          const serverCredentials = hasCredentials ? (credentialsOrigin ? { origin: credentialsOrigin } : {}) : undefined;
          return { entry, ...(serverCheck ? { serverCheck } : {}), ...(serverCredentials ? { serverCredentials } : {}) };
        });
      } catch (error) {
        this.logger.warn(`Listing registries through the server failed (${errorMessage(error)}); reading the file directly.`);
        entries = (await this.workspaceBackend.list()).map((entry) => ({ entry }));
      }
    } else {
      entries = (await this.workspaceBackend.list()).map((entry) => ({ entry }));
    }
    const workspaceViews = await Promise.all(
      entries.map(async ({ entry, serverCheck, serverCredentials }) => {
        // SecretStorage first (what this extension manages); else what the server can use on this
        // machine (Docker config, credential helpers, environment), so those are not shown as missing.
        const inVault = await this.vault.has(entry);
        const view: RegistryView = { entry, hasCredentials: inVault || serverCredentials !== undefined };
        if (inVault) view.credentialsOrigin = 'secret-storage';
        else if (serverCredentials?.origin) view.credentialsOrigin = serverCredentials.origin;
        // The user's own tests decide the status; the server's background checks (any image the
        // workspace references, e.g. a missing tag) only fill in when there was none.
        const lastCheck = this.lastChecks.get(entry.slug, entry.endpoint) ?? serverCheck;
        if (lastCheck) view.lastCheck = lastCheck;
        return view;
      }),
    );
    const portalViews = await this.listPortal();
    if (!portalViews) return workspaceViews;
    const { views, shadowed } = mergeWithPortal(workspaceViews, portalViews);
    if (shadowed.length > 0) this.logger.info(`Shown from the vendor portal rather than ${REGISTRIES_FILE_NAME} (same name): ${shadowed.join(', ')}.`);
    return views;
  }

  /** The portal's registries (undefined when not connected). A failure is kept for the view, not thrown: the file's registries still show. */
  private async listPortal(): Promise<RegistryView[] | undefined> {
    if (!(await this.portal.isConnected())) {
      this.portalError = undefined;
      return undefined;
    }
    try {
      const entries = await this.portalBackend.list();
      this.portalError = undefined;
      return entries.map((entry) => {
        // Credentials are held by Replicated: nothing to enter on this machine.
        const view: RegistryView = { entry, hasCredentials: true };
        const lastCheck = this.lastChecks.get(lastCheckKey(entry), entry.endpoint);
        if (lastCheck) view.lastCheck = lastCheck;
        return view;
      });
    } catch (error) {
      this.portalError = errorMessage(error);
      this.logger.warn(`Could not list the vendor portal's registries: ${this.portalError}`);
      return [];
    }
  }

  async find(slug: string): Promise<RegistryView | undefined> {
    return (await this.list()).find((view) => view.entry.slug === slug);
  }
}

/** The engine's file module pulls in the YAML parser and the schema validator: it lives in dist/clientEngine.js, loaded on first use, not at activation. */
function loadRegistriesFileModule(): Promise<ClientEngine> {
  return Promise.resolve(loadClientEngine());
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

async function readText(uri: vscode.Uri): Promise<string> {
  const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri.toString());
  if (open) return open.getText();
  return Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
}
