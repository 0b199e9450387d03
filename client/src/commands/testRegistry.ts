/**
 * Test External Registry: the pull the proxy will do, run by the language server (or, for a portal
 * registry, Replicated's server-side test through it). The answer separates the image's verdict from
 * the registry's health: a missing tag says the registry answered and took the login, so it offers
 * another image — not new credentials — and never turns the registry red.
 */
import * as vscode from 'vscode';
import type { RegistryTestResult } from '../../../server/src/protocol/registryRequests';
import type { PullCheckResult } from '../../../server/src/protocol/vocabulary';
import { errorMessage } from '../log';
import type { RegistryView } from '../model/registriesModel';
import { portalTestSentence } from '../portal/portalFormat';
import { failureSentence } from '../text/failureText';
import { isImageVerdict, pullSentence } from '../text/verdictText';
import { COMMAND_IDS, type CommandContext } from './commandContext';
import { registryFrom } from './registryPicker';

export async function testRegistry(ctx: CommandContext, arg?: unknown, givenImage?: string): Promise<PullCheckResult | undefined> {
  const view = await registryFrom(ctx, arg, 'Pick the registry to test');
  if (!view) return undefined;
  const entry = view.state;
  if (!vscode.workspace.isTrusted && entry.source !== 'portal') {
    const choice = await vscode.window.showWarningMessage('Testing a registry makes network requests with your credentials, which Restricted Mode does not allow. Trust this workspace to test it.', 'Manage Workspace Trust');
    if (choice) await vscode.commands.executeCommand('workbench.trust.manage');
    return undefined;
  }
  const image = givenImage ?? (await pickTestImage(ctx, view));
  if (!image) return undefined;
  if (entry.source === 'portal') return testPortalRegistry(ctx, view, image);
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Testing ${image} on ${entry.slug}…`, cancellable: true },
    async (_progress, token) => {
      try {
        return await ctx.server.send((p) => p.TestRegistryRequest, { slug: entry.slug, image }, token);
      } catch (error) {
        if (token.isCancellationRequested) return undefined;
        throw error;
      }
    },
  );
  if (!result) return undefined;
  ctx.logger.info(
    `Test ${entry.slug} ${result.image}: ${result.verdict}${result.httpStatus ? ` HTTP ${result.httpStatus}` : ''}${result.registryErrorCode ? ` ${result.registryErrorCode}` : ''} — ${result.message}` +
      `${result.hint ? ` Hint: ${result.hint}` : ''} (${result.requests} request(s), ${result.durationMs} ms${result.anonymous ? ', anonymous' : ''}; registry: ${result.health.state})`,
  );
  await ctx.lastTests.record(entry, result.health);
  ctx.tree.refresh();
  void showTestResult(ctx, view, result);
  return result;
}

async function showTestResult(ctx: CommandContext, view: RegistryView, result: RegistryTestResult): Promise<void> {
  const slug = view.state.slug;
  if (result.verdict === 'ok') {
    void vscode.window.showInformationMessage(`Test passed for "${slug}": ${pullSentence(result)}`);
    return;
  }
  if (isImageVerdict(result)) {
    // The registry is fine; the image is the problem.
    const choice = await vscode.window.showWarningMessage(`"${slug}" answered and accepted the login, but the image failed: ${failureSentence(result.message, result.hint)}`, 'Test Another Image');
    if (choice) await vscode.commands.executeCommand(COMMAND_IDS.testRegistry, { kind: 'registry', view });
    return;
  }
  const change = result.advice?.change;
  const actions = change === 'connection' && view.state.provider === 'other' ? ['Change Connection Options', 'Show Log'] : change === 'credentials' ? ['Re-enter Credentials', 'Show Log'] : ['Edit Registry', 'Show Log'];
  const choice = await vscode.window.showErrorMessage(`Test failed for "${slug}": ${failureSentence(result.message, result.hint)}`, ...actions);
  if (choice === 'Re-enter Credentials') await vscode.commands.executeCommand(COMMAND_IDS.reenterCredentials, { kind: 'registry', view });
  else if (choice === 'Change Connection Options') await vscode.commands.executeCommand(COMMAND_IDS.changeConnectionOptions, { kind: 'registry', view });
  else if (choice === 'Edit Registry') await vscode.commands.executeCommand(COMMAND_IDS.editRegistry, { kind: 'registry', view });
  else if (choice === 'Show Log') ctx.logger.show();
}

/** The server-side test: Replicated's servers pull with the credentials they hold; the status is explained. */
async function testPortalRegistry(ctx: CommandContext, view: RegistryView, image: string): Promise<PullCheckResult | undefined> {
  const entry = view.state;
  const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Testing ${image} on ${entry.slug} from the vendor portal…` }, () =>
    ctx.server.send((p) => p.PortalTestRegistryRequest, { slug: entry.slug, image }),
  );
  ctx.logger.info(`Vendor portal test ${entry.slug} ${result.image}: ${result.verdict} HTTP ${result.httpStatus ?? '-'} — ${result.message}${result.hint ? ` Hint: ${result.hint}` : ''}`);
  const sentence = portalTestSentence(entry.slug, result);
  if (result.verdict === 'ok') {
    void vscode.window.showInformationMessage(sentence);
  } else {
    void vscode.window.showErrorMessage(sentence, 'Show Pull Logs').then((choice) => {
      if (choice) void vscode.commands.executeCommand(COMMAND_IDS.showPullLogs, { kind: 'registry', view });
    });
  }
  return result;
}

/** A QuickPick of the workspace's references on that registry, accepting any typed image. */
async function pickTestImage(ctx: CommandContext, view: RegistryView): Promise<string | undefined> {
  const entry = view.state;
  let suggestions: vscode.QuickPickItem[] = [];
  try {
    const images = await ctx.server.send((p) => p.WorkspaceImagesRequest, {});
    const seen = new Set<string>();
    for (const image of images) {
      if (image.registrySlug !== entry.slug || !image.path) continue;
      const relative = `${image.path}${image.digest ? `@${image.digest}` : `:${image.tag ?? 'latest'}`}`;
      if (seen.has(relative)) continue;
      seen.add(relative);
      suggestions.push({ label: relative, description: `used in ${vscode.workspace.asRelativePath(vscode.Uri.parse(image.uri))}:${image.line + 1}` });
    }
  } catch (error) {
    ctx.logger.debug(`No image suggestions: ${errorMessage(error)}`);
    suggestions = [];
  }
  const quickPick = vscode.window.createQuickPick<vscode.QuickPickItem>();
  quickPick.title = `Test External Registry: ${entry.slug}`;
  quickPick.placeholder = `Image to test on ${entry.endpoint}, relative to it (e.g. my-company/my-image:1.0)`;
  quickPick.ignoreFocusOut = true;
  const itemsFor = (value: string): vscode.QuickPickItem[] => {
    const typed = value.trim();
    return [...(typed ? [{ label: typed, description: 'test this image' }] : []), ...suggestions.filter((item) => item.label !== typed)];
  };
  quickPick.items = itemsFor('');
  const disposables = [quickPick.onDidChangeValue((value) => (quickPick.items = itemsFor(value)))];
  try {
    return await new Promise<string | undefined>((resolve) => {
      disposables.push(
        quickPick.onDidAccept(() => {
          const picked = quickPick.selectedItems[0] ?? quickPick.activeItems[0];
          const image = picked?.label.trim() || quickPick.value.trim();
          if (image) resolve(image);
        }),
        quickPick.onDidHide(() => resolve(undefined)),
      );
      quickPick.show();
    });
  } finally {
    for (const disposable of disposables) disposable.dispose();
    quickPick.dispose();
  }
}
