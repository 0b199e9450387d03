/**
 * Completion inside image values: registry hosts (the team's registries, the proxy, hosts the workspace
 * already uses), repositories after `host/` (the workspace's own references, and the registry catalog
 * where it allows it), tags after `repository:` (the registry's tag list, paged with loop protection).
 */
import {
  CompletionItemKind,
  type CompletionItem,
  type CompletionList,
  type CompletionParams,
  type Range,
} from 'vscode-languageserver/node';
import { parseImageReference } from '../reference/imageReference';
import { customerProxyDomain } from '../reference/proxy';
import { registryHostForReference } from '../registry/endpoints';
import type { ServerContext } from './context';
import { guarded } from './handlerErrors';
import { registryTargetFor } from './registryTargets';
import { sortTagsNewestFirst } from './tagOrder';

/** Keys whose value is an image (or an image's repository / new name); a Kustomize `name:` is reached through the engine's images instead (`name` is everywhere). */
const IMAGE_VALUE = /(?:^|[\s{,-])(?:image|newName|repository)\s*:\s*["']?([^\s"'#,}]*)$/;
const MAX_TAG_PAGES = 10;
const MAX_ITEMS = 200;
const REGISTRY_CALL_TIMEOUT_MS = 5_000;

/** The image value being typed at the cursor, with where it starts. */
function valueBeforeCursor(lineBefore: string): { prefix: string; startCharacter: number } | undefined {
  const match = IMAGE_VALUE.exec(lineBefore);
  if (!match) return undefined;
  const prefix = match[1] ?? '';
  return { prefix, startCharacter: lineBefore.length - prefix.length };
}

function namesAHost(component: string): boolean {
  return component.includes('.') || component.includes(':') || component === 'localhost';
}

export async function computeCompletion(ctx: ServerContext, params: CompletionParams): Promise<CompletionList | null> {
  const document = ctx.documents.get(params.textDocument.uri);
  if (!document) return null;
  const position = params.position;
  const lineBefore = document.getText({ start: { line: position.line, character: 0 }, end: position });
  const offset = document.offsetAt(position);
  let value = valueBeforeCursor(lineBefore);
  if (!value) {
    // A value the engine already recognizes as an image (any key shape it knows), cursor inside it.
    const analysis = await ctx.analysisOf(document);
    const image = analysis.imageAt(offset);
    if (!image || !image.exact || image.start > offset) return null;
    const prefix = image.text.slice(0, offset - image.start);
    value = { prefix, startCharacter: position.character - prefix.length };
  }
  const { prefix, startCharacter } = value;
  const setup = await ctx.environmentFor(document.uri);
  const config = setup.env.config;
  const lastSlash = prefix.lastIndexOf('/');
  const colon = prefix.indexOf(':', lastSlash + 1);
  const replaceFrom = (character: number): Range => ({ start: { line: position.line, character }, end: position });

  // Tags: `repo:` (a `host:port` has no slash after it yet, so it is a host, not a tag).
  if (colon >= 0 && (lastSlash >= 0 || !namesAHost(prefix.slice(0, colon)))) {
    const parsed = parseImageReference(prefix.slice(0, colon));
    if (!parsed.ok || !ctx.networkAllowed(setup.settings)) return { isIncomplete: false, items: [] };
    const target = await registryTargetFor(parsed.reference, config, ctx.credentials);
    if (!target) return { isIncomplete: false, items: [] };
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), REGISTRY_CALL_TIMEOUT_MS);
    try {
      const page = await ctx.registries.clientFor(setup.settings).listTags(target.connection, target.credentials, parsed.reference.path, { maxPages: MAX_TAG_PAGES, signal: abort.signal });
      const tags = sortTagsNewestFirst(page.tags).slice(0, MAX_ITEMS);
      const range = replaceFrom(startCharacter + colon + 1);
      return {
        isIncomplete: page.cursor !== undefined,
        items: tags.map((tag, index) => ({
          label: tag,
          kind: CompletionItemKind.Constant,
          detail: `tag of ${parsed.reference.familiar}`,
          sortText: String(index).padStart(5, '0'),
          filterText: tag,
          textEdit: { range, newText: tag },
        })),
      };
    } catch (err) {
      ctx.logger.info(`tag completion for ${parsed.reference.familiar}: ${err instanceof Error ? err.message : String(err)}`);
      return { isIncomplete: false, items: [] };
    } finally {
      clearTimeout(timer);
    }
  }

  const range = replaceFrom(startCharacter);
  const items = new Map<string, CompletionItem>();
  const add = (label: string, kind: CompletionItemKind, detail: string, rank: number): void => {
    if (items.size >= MAX_ITEMS || items.has(label) || !label.startsWith(prefix.slice(0, Math.min(prefix.length, label.length)))) return;
    items.set(label, { label, kind, detail, sortText: `${rank}${label}`, filterText: label, textEdit: { range, newText: label } });
  };

  const workspaceImages = ctx.workspace.allImages();
  const firstComponent = lastSlash >= 0 ? prefix.slice(0, prefix.indexOf('/')) : undefined;
  if (firstComponent === undefined) {
    // Hosts first: the team's registries, the proxy, then hosts the workspace already pulls from.
    for (const entry of config.registries) add(`${registryHostForReference(entry.endpoint)}/`, CompletionItemKind.Module, `registry ${entry.slug} (${entry.provider})`, 0);
    const proxy = customerProxyDomain(config.customDomains.proxy, ctx.workspace.configFor(params.textDocument.uri).defaultCustomProxyDomain);
    if (config.app) add(`${proxy}/proxy/${config.app}/`, CompletionItemKind.Module, 'the Replicated proxy for this app', 1);
    for (const image of workspaceImages) if (image.domain) add(`${image.domain}/`, CompletionItemKind.Module, 'used in this workspace', 2);
  }
  // Repositories the workspace references (written the way it writes them), on the typed host.
  for (const image of workspaceImages) {
    if (!image.domain || !image.path) continue;
    const parsed = parseImageReference(`${image.domain}/${image.path}`);
    const written = firstComponent === undefined || namesAHost(firstComponent) ? `${image.domain}/${image.path}` : parsed.ok ? parsed.reference.familiar : image.path;
    if (firstComponent !== undefined && namesAHost(firstComponent) && registryHostForReference(firstComponent) !== registryHostForReference(image.domain)) continue;
    add(written, CompletionItemKind.Reference, `used in ${image.uri.slice(image.uri.lastIndexOf('/') + 1)}`, 3);
  }
  // The registry's catalog, where the team's registry allows listing it.
  if (firstComponent !== undefined && namesAHost(firstComponent) && ctx.networkAllowed(setup.settings)) {
    const entry = config.registries.find((r) => registryHostForReference(r.endpoint) === registryHostForReference(firstComponent));
    if (entry) {
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), REGISTRY_CALL_TIMEOUT_MS);
      try {
        const credentials = await ctx.credentials.credentialsFor(entry);
        const catalog = await ctx.registries.clientFor(setup.settings).listRepositories(entry, credentials, { maxPages: 5, signal: abort.signal });
        for (const repository of catalog.repositories) add(`${firstComponent}/${repository}`, CompletionItemKind.Reference, `repository on ${entry.slug}`, 4);
      } catch (err) {
        // Many registries (Docker Hub, ECR...) do not offer the catalog: workspace names are enough then.
        ctx.logger.debug(`catalog of ${entry.slug} unavailable: ${err instanceof Error ? err.message : String(err)}`);
      } finally {
        clearTimeout(timer);
      }
    }
  }
  return { isIncomplete: false, items: [...items.values()] };
}

export function registerCompletion(ctx: ServerContext): void {
  ctx.connection.onCompletion(guarded(ctx.logger, 'completion', (params: CompletionParams) => computeCompletion(ctx, params)));
}
