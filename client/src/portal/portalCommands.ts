/**
 * "Connect Vendor Portal", "Disconnect Vendor Portal" and "Show Pull Logs". The token is typed into a
 * password box, verified by the language server with a list call (it travels once, in that request's
 * params), and then kept only in SecretStorage; the server asks for it when it needs it.
 */
import * as vscode from 'vscode';
import type { PortalConnection } from '../../../server/src/protocol/messages';
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

export async function connectVendorPortal(ctx: CommandContext): Promise<void> {
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

export async function disconnectVendorPortal(ctx: CommandContext): Promise<void> {
  if (!(await ctx.portal.isConnected())) {
    void vscode.window.showInformationMessage('The vendor portal is not connected.');
    return;
  }
  await ctx.portal.disconnect();
  ctx.logger.info('Disconnected the vendor portal; its API token was deleted from SecretStorage.');
  ctx.tree.refreshNow();
  void vscode.window.showInformationMessage("Disconnected from the Replicated vendor portal; the API token was deleted from your OS keychain. The team's registries stay in the portal.");
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
