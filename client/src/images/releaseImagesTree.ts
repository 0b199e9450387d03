/**
 * The Images view (beside Registries in the Replicated container): every image the release pulls,
 * grouped by the install modes the server checks (online, air gap / local registry, Helm CLI), each
 * saying how a customer's cluster pulls it and its verdict, and jumping to the line that defines it.
 * Everything comes from the language server (ReleaseImagesRequest), refreshed when it says the release
 * changed (ReleaseImagesChangedNotification). A second view rather than a node of Registries: that view
 * shows its welcome (Add External Registry, Import, Connect Vendor Portal) only while its tree is empty,
 * and a release always has images.
 */
import * as vscode from 'vscode';
import type { InstallMode, ReleaseImageItem, ReleaseImagesResult, TestAsCustomerResult } from '../../../server/src/protocol/messages';
import { errorMessage, type ClientLogger } from '../log';
import type { ServerConnection } from '../server/serverConnection';
import { code, escapeMarkdown } from '../text/markdownText';
import { customerTestable, displayReference, howPulled, howPulledSentence, imageLabel, MODE_LABEL, MODE_MEANING, sourceText, verdictOf, type CustomerVerdictText, type Verdict } from './releaseImageText';
import { BurstDebounce } from '../tree/burstDebounce';

export const IMAGES_VIEW_ID = 'replicated-registries.images';

export interface FolderNode {
  kind: 'folder';
  folder: vscode.WorkspaceFolder;
}
export interface ModeNode {
  kind: 'mode';
  folderUri: string;
  mode: InstallMode;
  reason?: string;
  images: ImageNode[];
}
export interface ImageNode {
  kind: 'image';
  key: string;
  /** The workspace folder of the release (the registries file that applies to a customer test). */
  folderUri: string;
  item: ReleaseImageItem;
}
export interface NoteNode {
  kind: 'note';
  id: string;
  label: string;
  tooltip: string;
  severity: 'error' | 'warning' | 'info';
  command?: vscode.Command;
}
export type ImagesTreeNode = FolderNode | ModeNode | ImageNode | NoteNode;

export function isImagesTreeNode(value: unknown): value is ImagesTreeNode {
  const kind = typeof value === 'object' && value !== null ? (value as { kind?: unknown }).kind : undefined;
  return kind === 'folder' || kind === 'mode' || kind === 'image' || kind === 'note';
}

/** A customer test's outcome kept for the row (this window's life; the license itself is never kept here). */
interface CustomerOutcome {
  text: CustomerVerdictText;
  result: TestAsCustomerResult;
  at: Date;
}

const VERDICT_ICON: Record<Verdict, vscode.ThemeIcon> = {
  error: new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground')),
  warning: new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')),
  info: new vscode.ThemeIcon('info'),
  ok: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  unevaluated: new vscode.ThemeIcon('question'),
};
const VERDICT_WORDS: Record<Verdict, string> = { error: 'error', warning: 'warning', info: 'note', ok: 'no problem found', unevaluated: 'not evaluated' };
const MODE_ICON: Record<InstallMode, string> = { online: 'globe', airgap: 'archive', helm: 'terminal' };

export class ReleaseImagesTreeProvider implements vscode.TreeDataProvider<ImagesTreeNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<ImagesTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly results = new Map<string, Promise<ReleaseImagesResult>>();
  private readonly outcomes = new Map<string, CustomerOutcome>();
  private readonly imageNodes = new Map<string, ImageNode>();
  private readonly refreshes = new BurstDebounce(() => this.refreshNow());

  constructor(
    private readonly server: ServerConnection,
    private readonly logger: ClientLogger,
  ) {}

  refresh(): void {
    this.refreshes.schedule();
  }

  refreshNow(): void {
    this.results.clear();
    this.imageNodes.clear();
    this.changeEmitter.fire(undefined);
  }

  /** The release's images of one workspace folder (cached until the next refresh). */
  release(folderUri: string): Promise<ReleaseImagesResult> {
    let pending = this.results.get(folderUri);
    if (!pending) {
      pending = this.server.send((p) => p.ReleaseImagesRequest, { uri: folderUri });
      this.results.set(folderUri, pending);
      pending.catch(() => this.results.delete(folderUri));
    }
    return pending;
  }

  /** Every image row of every folder, loading what is not loaded. */
  async allImages(): Promise<ImageNode[]> {
    const nodes: ImageNode[] = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      for (const mode of await this.modeNodes(folder.uri.toString())) nodes.push(...mode.images);
    }
    return nodes;
  }

  /** Records a customer test on the rows of that image (every mode and place it appears). */
  recordCustomerTest(image: string, result: TestAsCustomerResult, text: CustomerVerdictText): void {
    this.outcomes.set(image, { text, result, at: new Date() });
    for (const node of this.imageNodes.values()) if (testKey(node.item) === image) this.changeEmitter.fire(node);
  }

  getTreeItem(node: ImagesTreeNode): vscode.TreeItem {
    switch (node.kind) {
      case 'folder': {
        const item = new vscode.TreeItem(node.folder.name, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `folder:${node.folder.uri.toString()}`;
        item.iconPath = vscode.ThemeIcon.Folder;
        item.resourceUri = node.folder.uri;
        return item;
      }
      case 'mode': {
        const item = new vscode.TreeItem(MODE_LABEL[node.mode], vscode.TreeItemCollapsibleState.Expanded);
        item.id = `mode:${node.folderUri}:${node.mode}`;
        item.iconPath = new vscode.ThemeIcon(MODE_ICON[node.mode]);
        const errors = node.images.filter((image) => verdictOf(image.item) === 'error').length;
        const warnings = node.images.filter((image) => verdictOf(image.item) === 'warning').length;
        const counts = [`${node.images.length} image${node.images.length === 1 ? '' : 's'}`, errors > 0 ? `${errors} error${errors === 1 ? '' : 's'}` : '', warnings > 0 ? `${warnings} warning${warnings === 1 ? '' : 's'}` : ''].filter(Boolean);
        item.description = counts.join(' · ');
        const tooltip = new vscode.MarkdownString(undefined, true);
        tooltip.appendMarkdown(`**${MODE_LABEL[node.mode]}** — ${escapeMarkdown(MODE_MEANING[node.mode])}\n\n`);
        if (node.reason) tooltip.appendMarkdown(`Checked because: ${escapeMarkdown(node.reason)}.\n\n`);
        tooltip.appendMarkdown('Set `installModes` in `.replicated-registries.yaml` to choose the modes.');
        item.tooltip = tooltip;
        item.contextValue = node.mode === 'airgap' ? 'installMode' : 'installMode;customerTestable';
        return item;
      }
      case 'image':
        return this.imageItem(node);
      case 'note': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
        item.id = `note:${node.id}`;
        item.iconPath = node.severity === 'error' ? VERDICT_ICON.error : node.severity === 'warning' ? VERDICT_ICON.warning : VERDICT_ICON.info;
        item.tooltip = node.tooltip;
        item.contextValue = 'note';
        if (node.command) item.command = node.command;
        return item;
      }
    }
  }

  async getChildren(node?: ImagesTreeNode): Promise<ImagesTreeNode[]> {
    try {
      if (!node) return await this.rootChildren();
      if (node.kind === 'folder') return await this.folderChildren(node.folder.uri.toString());
      if (node.kind === 'mode') return node.images.length > 0 ? node.images : [{ kind: 'note', id: `empty:${node.folderUri}:${node.mode}`, label: 'No image in this mode', tooltip: 'The release pulls no image in this install mode.', severity: 'info' }];
      return [];
    } catch (error) {
      const message = errorMessage(error);
      this.logger.error(`Images view: ${message}`);
      return [{ kind: 'note', id: `error:${node?.kind ?? 'root'}`, label: `Could not list the release's images: ${message}`, tooltip: `${message}\nClick to retry; "Replicated: Show Log" has the details.`, severity: 'error', command: { title: 'Retry', command: 'replicated-registries.refreshImages' } }];
    }
  }

  getParent(): undefined {
    return undefined;
  }

  private async rootChildren(): Promise<ImagesTreeNode[]> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    let children: ImagesTreeNode[];
    if (folders.length === 1 && folders[0]) children = await this.folderChildren(folders[0].uri.toString());
    else children = folders.map((folder): FolderNode => ({ kind: 'folder', folder }));
    // The welcome content ("no images") shows while the tree is empty; it waits for the first answer.
    void vscode.commands.executeCommand('setContext', 'replicated-registries.imagesLoaded', true);
    return children;
  }

  private async folderChildren(folderUri: string): Promise<ImagesTreeNode[]> {
    const result = await this.release(folderUri);
    const modes = await this.modeNodes(folderUri);
    if (result.images.length === 0 && result.problems.length === 0) return [];
    const notes: NoteNode[] = result.problems.map((problem, index) => ({ kind: 'note', id: `problem:${folderUri}:${index}`, label: problem, tooltip: `${problem}\nIts images are not listed.`, severity: 'warning' }));
    return [...notes, ...modes];
  }

  private async modeNodes(folderUri: string): Promise<ModeNode[]> {
    const result = await this.release(folderUri);
    return result.modes.map((mode) => ({
      kind: 'mode',
      folderUri,
      mode,
      ...(result.modeReasons[mode] ? { reason: result.modeReasons[mode] } : {}),
      images: result.images.map((item, index) => ({ item, index })).filter(({ item }) => item.mode === mode).map(({ item, index }) => this.imageNode(folderUri, item, index)),
    }));
  }

  private imageNode(folderUri: string, item: ReleaseImageItem, index: number): ImageNode {
    const key = `${folderUri}#${index}:${item.mode}:${item.location.uri}:${item.location.line}:${item.location.character}`;
    let node = this.imageNodes.get(key);
    if (!node) {
      node = { kind: 'image', key, folderUri, item };
      this.imageNodes.set(key, node);
    }
    return node;
  }

  private imageItem(node: ImageNode): vscode.TreeItem {
    const image = node.item;
    const verdict = verdictOf(image);
    const outcome = customerTestable(image) ? this.outcomes.get(testKey(image)) : undefined;
    const item = new vscode.TreeItem(imageLabel(image), vscode.TreeItemCollapsibleState.None);
    item.id = `image:${node.key}`;
    item.iconPath = outcome && !outcome.text.ok ? VERDICT_ICON.error : VERDICT_ICON[verdict];
    const codes = [...new Set(image.findings.filter((finding) => finding.severity === 'error' || finding.severity === 'warning').map((finding) => finding.code))];
    item.description = [howPulled(image), ...codes, outcome ? outcome.text.short : ''].filter(Boolean).join(' · ');
    const relative = (uri: string): string => vscode.workspace.asRelativePath(vscode.Uri.parse(uri));
    const tooltip = new vscode.MarkdownString(undefined, true);
    const pulled = image.pulled ? displayReference(image.pulled) : undefined;
    tooltip.appendMarkdown(`**${escapeMarkdown(imageLabel(image))}** — ${MODE_LABEL[image.mode]}\n\n`);
    if (pulled) tooltip.appendMarkdown(`Pulled as ${code(pulled)}\n\n`);
    if (image.reference && image.reference !== image.pulled) tooltip.appendMarkdown(`Written as ${code(image.reference)}\n\n`);
    tooltip.appendMarkdown(`${escapeMarkdown(howPulledSentence(image))}\n\n`);
    if (image.note) tooltip.appendMarkdown(`${escapeMarkdown(image.note)}\n\n`);
    tooltip.appendMarkdown(`From ${escapeMarkdown(sourceText(image, relative))}\n\n`);
    for (const assumption of image.assumptions) tooltip.appendMarkdown(`Assuming ${code(assumption.condition)} is ${escapeMarkdown(assumption.taken)}\n\n`);
    if (image.unevaluated.length > 0) tooltip.appendMarkdown(`Left unevaluated: ${image.unevaluated.map(code).join(', ')}\n\n`);
    if (image.findings.length === 0) tooltip.appendMarkdown(verdict === 'unevaluated' ? '$(question) Not checked: it could not be evaluated.\n\n' : '$(pass) The release has no problem with how customers pull it.\n\n');
    for (const finding of image.findings) tooltip.appendMarkdown(`${finding.severity === 'error' ? '$(error)' : finding.severity === 'warning' ? '$(warning)' : '$(info)'} **${finding.code}**: ${escapeMarkdown(finding.message)}\n\n`);
    if (outcome) tooltip.appendMarkdown(`${outcome.text.ok ? '$(pass)' : '$(error)'} Test as a Customer (${outcome.at.toLocaleTimeString()}): ${escapeMarkdown(outcome.text.text)}\n\n`);
    item.tooltip = tooltip;
    item.accessibilityInformation = { label: `${imageLabel(image)}, ${howPulled(image)}, ${VERDICT_WORDS[verdict]}${codes.length > 0 ? `: ${codes.join(', ')}` : ''}` };
    item.contextValue = customerTestable(image) ? 'releaseImage;customerTestable' : 'releaseImage';
    const location = image.location;
    item.command = { title: 'Open Source', command: 'vscode.open', arguments: [vscode.Uri.parse(location.uri), { selection: new vscode.Range(location.line, location.character, location.endLine, location.endCharacter) }] };
    return item;
  }

  dispose(): void {
    this.refreshes.dispose();
    this.changeEmitter.dispose();
  }
}

/** What one customer test is about: the reference sent (the same image in several places shares it). */
export function testKey(item: ReleaseImageItem): string {
  return item.pulled ?? item.reference ?? '';
}
