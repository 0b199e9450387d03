/**
 * Test as a Customer: pull images the way a customer's cluster does — through the proxy, logged in with
 * the customer's license ID — run by the language server (TestAsCustomerRequest). From an image row of the
 * Images view (that image), from a mode row (every image of that mode that goes through the proxy), or
 * from the palette (a pick of those images, or any reference typed in).
 *
 * The license ID is typed into a password box; it is kept only in SecretStorage and only when the user
 * presses "Remember License ID" after a test. It is registered with the log redaction before it is sent,
 * so no log or trace line carries it, and it is never put in a setting, a file or an argument list.
 */
import * as vscode from 'vscode';
import type { TestAsCustomerResult } from '../../../server/src/protocol/messages';
import { registerSecret } from '../../../server/src/protocol/redaction';
import { customerTestable, customerTestImage, customerVerdictText, imageLabel, MODE_LABEL, type CustomerVerdictText } from '../images/releaseImageText';
import { isImagesTreeNode, testKey, type ImageNode, type ReleaseImagesTreeProvider } from '../images/releaseImagesTree';
import { errorMessage } from '../log';
import type { LicenseStore } from '../secrets/licenseStore';
import type { CommandContext } from './commandContext';

/** One image to pull as a customer. Tests run one after another: each is a few requests, and a burst from one license is what a proxy rate-limits. */
interface Target {
  image: string;
  label: string;
  /** The image is pulled directly today (not-proxied): the test shows the pull the fix would give. */
  directToday: boolean;
  /** The release folder whose registries file applies (default: the first workspace folder). */
  folderUri?: string;
}

/** `askLicense`: ask for a license ID even when one is remembered ("Use Another License ID"). */
export async function testAsCustomer(ctx: CommandContext, arg?: unknown, options: { askLicense?: boolean } = {}): Promise<void> {
  const { images, licenses } = ctx;
  if (!vscode.workspace.isTrusted) {
    const choice = await vscode.window.showWarningMessage('Testing as a customer sends the license ID to the proxy, which Restricted Mode does not allow. Trust this workspace to test.', 'Manage Workspace Trust');
    if (choice) await vscode.commands.executeCommand('workbench.trust.manage');
    return;
  }
  const targets = await targetsFrom(images, arg);
  if (!targets || targets.length === 0) return;

  let licenseId = options.askLicense ? undefined : await licenses.remembered();
  const remembered = licenseId !== undefined;
  licenseId ??= await askLicenseId();
  if (!licenseId) return;
  registerSecret(licenseId);

  const outcomes: Outcome[] = [];
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Testing as a customer', cancellable: true }, async (progress, token) => {
    for (const [index, target] of targets.entries()) {
      if (token.isCancellationRequested) break;
      progress.report({ message: `${target.label}${targets.length > 1 ? ` (${index + 1}/${targets.length})` : ''}…`, increment: 100 / targets.length });
      try {
        const result = await ctx.server.send((p) => p.TestAsCustomerRequest, { image: target.image, licenseId, ...(target.folderUri ? { uri: target.folderUri } : {}) }, token);
        const text = customerVerdictText(result, { directToday: target.directToday });
        outcomes.push({ target, text, verdict: result.verdict });
        images.recordCustomerTest(target.image, result, text);
        ctx.logger.info(`Test as a customer ${result.proxyReference}: ${result.verdict}${result.httpStatus ? ` HTTP ${result.httpStatus}` : ''} — ${result.message} (${result.requests} request(s), ${result.durationMs} ms)`);
      } catch (error) {
        if (token.isCancellationRequested) break;
        const message = errorMessage(error).replace(/^replicated-registries: /, '');
        ctx.logger.warn(`Test as a customer ${target.image}: ${message}`);
        outcomes.push({ target, text: { ok: false, short: 'could not test', text: message } });
      }
    }
  });
  if (outcomes.length === 0) return;
  await showOutcome(ctx, licenses, outcomes, remembered ? undefined : licenseId, arg);
}

interface Outcome {
  target: Target;
  text: CustomerVerdictText;
  verdict?: TestAsCustomerResult['verdict'];
}

async function showOutcome(ctx: CommandContext, licenses: LicenseStore, outcomes: Outcome[], typedLicense: string | undefined, arg: unknown): Promise<void> {
  const failed = outcomes.filter((outcome) => !outcome.text.ok);
  const actions: string[] = [];
  // Never offer to keep a license ID the proxy refused.
  const refused = outcomes.some((outcome) => outcome.verdict === 'unauthorized');
  actions.push(typedLicense && !refused ? 'Remember License ID' : 'Use Another License ID');
  if (failed.length > 0) actions.push('Show Log');
  let choice: string | undefined;
  if (outcomes.length === 1) {
    const only = outcomes[0] as (typeof outcomes)[number];
    choice = only.text.ok ? await vscode.window.showInformationMessage(`Test as a Customer passed: ${only.text.text}`, ...actions) : await vscode.window.showErrorMessage(`Test as a Customer failed for ${only.target.label}: ${only.text.text}`, ...actions);
  } else if (failed.length === 0) {
    choice = await vscode.window.showInformationMessage(`Test as a Customer passed: a customer with this license can pull all ${outcomes.length} images.`, ...actions);
  } else {
    // Counted by reason, then the first failure whole: each row of the Images view keeps its own answer.
    const reasons = new Map<string, number>();
    for (const outcome of failed) reasons.set(outcome.text.short, (reasons.get(outcome.text.short) ?? 0) + 1);
    const first = failed[0] as (typeof failed)[number];
    const counted = [...reasons].map(([reason, count]) => `${count} ${reason}`).join(', ');
    choice = await vscode.window.showErrorMessage(`Test as a Customer: ${failed.length} of ${outcomes.length} images fail (${counted}); hover a row of the Images view for each. First, ${first.target.label}: ${first.text.text}`, ...actions);
  }
  if (choice === 'Remember License ID' && typedLicense) {
    await licenses.remember(typedLicense);
    void vscode.window.showInformationMessage('The license ID is remembered in your OS keychain (VS Code SecretStorage) for the next test. "Replicated: Forget Customer License ID" removes it.');
  } else if (choice === 'Use Another License ID') {
    await vscode.commands.executeCommand('replicated-registries.testAsCustomer', arg, { askLicense: true });
  } else if (choice === 'Show Log') {
    ctx.logger.show();
  }
}

/** The images the user asked about: a row, a mode's rows, or a pick from the palette. */
async function targetsFrom(images: ReleaseImagesTreeProvider, arg: unknown): Promise<Target[] | undefined> {
  if (isImagesTreeNode(arg) && arg.kind === 'image') {
    if (!customerTestable(arg.item)) {
      void vscode.window.showInformationMessage(`${imageLabel(arg.item)} is not pulled through the Replicated proxy in this mode, so no license is involved: there is nothing to test as a customer.`);
      return undefined;
    }
    return [targetOf(arg)];
  }
  if (isImagesTreeNode(arg) && arg.kind === 'mode') {
    const targets = unique(arg.images.filter((node) => customerTestable(node.item)).map(targetOf));
    if (targets.length === 0) void vscode.window.showInformationMessage(`No image of the ${MODE_LABEL[arg.mode]} mode goes through the Replicated proxy: there is nothing to test as a customer.`);
    return targets;
  }
  return pickTargets(images);
}

function targetOf(node: ImageNode): Target {
  return { image: customerTestImage(node.item) ?? testKey(node.item), label: imageLabel(node.item), directToday: node.item.via === 'direct', folderUri: node.folderUri };
}

function unique(targets: Target[]): Target[] {
  const seen = new Set<string>();
  return targets.filter((target) => !seen.has(target.image) && seen.add(target.image));
}

async function pickTargets(images: ReleaseImagesTreeProvider): Promise<Target[] | undefined> {
  let candidates: Target[] = [];
  try {
    candidates = unique((await images.allImages()).filter((node) => customerTestable(node.item)).map(targetOf));
  } catch {
    candidates = [];
  }
  type Item = vscode.QuickPickItem & { targets: Target[] };
  const quickPick = vscode.window.createQuickPick<Item>();
  quickPick.title = 'Test as a Customer';
  quickPick.placeholder = 'Pick the image a customer pulls, or type any image reference';
  quickPick.ignoreFocusOut = true;
  const fixed: Item[] = [
    ...(candidates.length > 1 ? [{ label: `$(checklist) All ${candidates.length} images customers pull through the proxy`, targets: candidates }] : []),
    ...candidates.map((target): Item => ({ label: target.label, description: target.directToday ? 'pulled directly today (not-proxied)' : 'through the proxy', detail: target.image, targets: [target] })),
  ];
  const itemsFor = (value: string): Item[] => {
    const typed = value.trim();
    return [...(typed ? [{ label: typed, description: 'test this image', targets: [{ image: typed, label: typed, directToday: false }] }] : []), ...fixed];
  };
  quickPick.items = itemsFor('');
  const disposables: vscode.Disposable[] = [quickPick.onDidChangeValue((value) => (quickPick.items = itemsFor(value)))];
  try {
    return await new Promise<Target[] | undefined>((resolve) => {
      disposables.push(
        quickPick.onDidAccept(() => {
          const picked = quickPick.selectedItems[0] ?? quickPick.activeItems[0];
          if (picked) resolve(picked.targets);
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

async function askLicenseId(): Promise<string | undefined> {
  const value = await vscode.window.showInputBox({
    title: 'Test as a Customer: License ID',
    prompt: 'The customer’s license ID (vendor portal → Customers → the customer). Sent only to the proxy; not kept unless you choose to remember it.',
    placeHolder: 'License ID',
    password: true,
    ignoreFocusOut: true,
    validateInput: (text) => (text.trim() === '' ? 'Enter the license ID' : /\s/.test(text.trim()) ? 'A license ID has no spaces' : undefined),
  });
  return value?.trim() || undefined;
}
