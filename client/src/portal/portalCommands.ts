/**
 * "Connect Vendor Portal", "Disconnect Vendor Portal" and "Show Pull Logs". Connect first offers what the
 * `replicated` CLI left on this machine (`replicated login`, `replicated profile add`), which the language
 * server finds (PortalFindLoginRequest; no token comes back): picking it keeps only the profile's name,
 * and the server reads the token from that file. Else the token is typed into a password box, verified
 * by the language server with a list call (it travels once, in that request's params), and then kept
 * only in SecretStorage; the server asks for it when it needs it.
 */
import * as vscode from 'vscode';
import type { PortalConnection } from '../../../server/src/protocol/messages';
import { isLoginConnection } from '../../../server/src/protocol/portalConnection';
import type { FoundReplicatedLogin } from '../../../server/src/protocol/portalRequests';
import { registerSecret } from '../../../server/src/protocol/redaction';
import type { CommandContext } from '../commands/commandContext';
import { registryFrom } from '../commands/registryPicker';
import { formatTime } from '../text/timeText';
import {
  API_ORIGIN_SETTING,
  API_TOKEN_HELP,
  chooseApiOrigin,
  DEFAULT_VENDOR_API_ORIGIN,
  formatPullLogTable,
  normalizeApiOrigin,
  pullLogPickItem,
  validateApiOrigin,
  validateApiToken,
  validateAppSlug,
} from './portalFormat';

const CONNECT_TITLE = 'Connect Vendor Portal';

type LoginPick = vscode.QuickPickItem & { profile?: string };

/** Offers the `replicated` CLI's profiles / login the server found; undefined: paste a token; null: cancelled. */
async function pickReplicatedLogin(ctx: CommandContext): Promise<{ profile: string; app?: string } | undefined | null> {
  let found: FoundReplicatedLogin | null;
  try {
    found = await ctx.server.send((p) => p.PortalFindLoginRequest, {});
  } catch (err) {
    ctx.logger.warn(`Could not look for the replicated CLI's login: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
  if (!found) return undefined;
  if (found.problem) {
    ctx.logger.warn(`The replicated CLI's login was not offered: ${found.problem}`);
    void vscode.window.showWarningMessage(`The replicated CLI's login cannot be used: ${found.problem}`);
    return undefined;
  }
  const items: LoginPick[] = [];
  const usable = found.profiles.filter((p) => p.hasToken).sort((a, b) => Number(b.isDefault) - Number(a.isDefault));
  for (const profile of usable) {
    items.push({ label: `$(account) Profile "${profile.name}"`, description: profile.isDefault ? 'default profile' : '', detail: `From the replicated CLI (${found.file}) · ${profile.origin}`, profile: profile.name });
  }
  const hasDefault = found.profiles.some((p) => p.isDefault);
  if (found.hasLoginToken && !hasDefault) {
    items.push({ label: "$(key) The replicated CLI's login", description: 'replicated login', detail: `The token \`replicated login\` saved (${found.file}) · ${found.loginOrigin}`, profile: '' });
  }
  if (items.length === 0) return undefined;
  items.push({ label: '$(edit) Paste an API token', detail: 'A token from the vendor portal (Account Settings → API Tokens, or a Service Account), kept in your OS keychain' });
  const picked = await vscode.window.showQuickPick(items, {
    title: `${CONNECT_TITLE}: which API token`,
    placeHolder: 'The replicated CLI is logged in on this machine: use its token (it stays in its file), or paste another',
    matchOnDetail: true,
    ignoreFocusOut: true,
  });
  if (!picked) return null;
  if (picked.profile === undefined) return undefined;
  return { profile: picked.profile, ...(found.app ? { app: found.app } : {}) };
}

export async function connectVendorPortal(ctx: CommandContext): Promise<void> {
  const login = await pickReplicatedLogin(ctx);
  if (login === null) return;
  if (login !== undefined) {
    await connectWithLogin(ctx, login.profile, login.app);
    return;
  }
  const originChoice = chooseApiOrigin(vscode.workspace.getConfiguration('replicated-registries').get<string>(API_ORIGIN_SETTING), process.env.REPLICATED_API_ORIGIN);
  const token = await vscode.window.showInputBox({
    title: `${CONNECT_TITLE}: API token`,
    prompt: `A Replicated API token with access to the team's external registries. ${API_TOKEN_HELP} It is kept only in your OS keychain.`,
    placeHolder: 'Replicated API token',
    password: true,
    ignoreFocusOut: true,
    validateInput: validateApiToken,
  });
  if (token === undefined) return;
  registerSecret(token.trim());
  let origin = originChoice.origin;
  if (origin === undefined) {
    origin = await vscode.window.showInputBox({
      title: `${CONNECT_TITLE}: Vendor API origin`,
      prompt: 'The Vendor API to connect to. Keep the default unless you go through a proxy (set replicated-registries.vendorPortal.apiOrigin to skip this step).',
      value: DEFAULT_VENDOR_API_ORIGIN,
      ignoreFocusOut: true,
      validateInput: validateApiOrigin,
    });
    if (origin === undefined) return;
  }
  const app = await vscode.window.showInputBox({
    title: `${CONNECT_TITLE}: app slug (optional)`,
    prompt: "The application whose custom domains the checks should know (leave empty to use the registries file's app:).",
    placeHolder: 'my-app',
    ignoreFocusOut: true,
    validateInput: validateAppSlug,
  });
  if (app === undefined) return;
  const connection: PortalConnection = { token: token.trim(), origin: normalizeApiOrigin(origin) };
  if (app.trim()) connection.app = app.trim();
  // Verified before saving: a mistyped token or origin must not be kept and then fail later.
  const { registryCount } = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Connecting to the vendor portal at ${connection.origin}…` }, () =>
    ctx.server.send((p) => p.PortalVerifyRequest, { connection }),
  );
  await ctx.portal.connect(connection);
  ctx.logger.info(`Connected the vendor portal at ${connection.origin} (${registryCount} registr${registryCount === 1 ? 'y' : 'ies'}).`);
  ctx.tree.refreshNow();
  void vscode.window.showInformationMessage(`Connected to the Replicated vendor portal: ${registryCount} team registr${registryCount === 1 ? 'y' : 'ies'}. The API token is kept in your OS keychain only.`);
}

/** Connects with the `replicated` CLI's profile (or login): only its name is kept; the server reads the token. */
async function connectWithLogin(ctx: CommandContext, profile: string, foundApp: string | undefined): Promise<void> {
  const app = await vscode.window.showInputBox({
    title: `${CONNECT_TITLE}: app slug (optional)`,
    prompt: `The application whose custom domains the checks should know${foundApp ? ' (from the .replicated file)' : " (leave empty to use the registries file's app:)"}.`,
    placeHolder: 'my-app',
    value: foundApp ?? '',
    ignoreFocusOut: true,
    validateInput: validateAppSlug,
  });
  if (app === undefined) return;
  const connection: PortalConnection = { replicatedProfile: profile, ...(app.trim() ? { app: app.trim() } : {}) };
  const what = profile ? `the replicated CLI's profile "${profile}"` : "the replicated CLI's login";
  const { registryCount } = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Connecting to the vendor portal with ${what}…` }, () =>
    ctx.server.send((p) => p.PortalVerifyRequest, { connection }),
  );
  await ctx.portal.connect(connection);
  ctx.logger.info(`Connected the vendor portal with ${what} (${registryCount} registr${registryCount === 1 ? 'y' : 'ies'}).`);
  ctx.tree.refreshNow();
  void vscode.window.showInformationMessage(
    `Connected to the Replicated vendor portal with ${what}: ${registryCount} team registr${registryCount === 1 ? 'y' : 'ies'}. The token stays in the replicated CLI's file; nothing was copied.`,
  );
}

export async function disconnectVendorPortal(ctx: CommandContext): Promise<void> {
  if (!(await ctx.portal.isConnected())) {
    void vscode.window.showInformationMessage('The vendor portal is not connected.');
    return;
  }
  const previous = await ctx.portal.connection();
  await ctx.portal.disconnect();
  const fromLogin = previous !== undefined && isLoginConnection(previous);
  ctx.logger.info(fromLogin ? "Disconnected the vendor portal; the replicated CLI's file was left as it is." : 'Disconnected the vendor portal; its API token was deleted from SecretStorage.');
  ctx.tree.refreshNow();
  void vscode.window.showInformationMessage(
    fromLogin
      ? "Disconnected from the Replicated vendor portal; the replicated CLI's login is left as it is. The team's registries stay in the portal."
      : "Disconnected from the Replicated vendor portal; the API token was deleted from your OS keychain. The team's registries stay in the portal.",
  );
}

/** A registry's pull logs from the portal: a table in the log, and a QuickPick to read them (times in the user's locale). */
export async function showPullLogs(ctx: CommandContext, arg?: unknown): Promise<void> {
  if (!(await ctx.portal.isConnected())) {
    void vscode.window.showInformationMessage('Pull logs come from the vendor portal: run "Replicated: Connect Vendor Portal" first.');
    return;
  }
  const view = await registryFrom(ctx, arg, 'Pick the vendor-portal registry whose pull logs to show', (candidate) => candidate.state.source === 'portal');
  if (!view) return;
  const entry = view.state;
  const logs = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Reading the pull logs of ${entry.slug}…` }, () => ctx.server.send((p) => p.PortalPullLogsRequest, { slug: entry.slug }));
  ctx.logger.info(`Pull logs of ${entry.slug} (${entry.endpoint}) from the vendor portal, ${logs.length} entr${logs.length === 1 ? 'y' : 'ies'}:`);
  for (const line of formatPullLogTable(logs)) ctx.logger.info(line);
  if (logs.length === 0) {
    void vscode.window.showInformationMessage(`The vendor portal has no pull logs for "${entry.slug}" yet: they appear after a test or a customer's pull.`);
    return;
  }
  const picked = await vscode.window.showQuickPick(
    logs.map((log) => pullLogPickItem({ ...log, createdAt: formatTime(log.createdAt, vscode.env.language) })),
    { title: `Pull Logs: ${entry.slug}`, placeHolder: `${logs.length} pull(s) through ${entry.endpoint}; pick one to open the log, which has the whole table`, matchOnDescription: true, matchOnDetail: true },
  );
  if (picked) ctx.logger.show();
}
