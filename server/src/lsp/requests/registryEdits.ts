/**
 * SaveRegistryRequest and RemoveRegistryRequest: the registries file's byte-preserving edit
 * (store/registriesFile/edit.ts) as one LSP WorkspaceEdit against the text the editor has — its open
 * buffer (versioned, so a stale edit is refused) or the file on disk — or a CreateFile for a workspace
 * without one. The editor applies it, so undo works and unsaved changes are kept, then saves.
 */
import { CreateFile, ErrorCodes, ResponseError, TextDocumentEdit, TextEdit, type WorkspaceEdit } from 'vscode-languageserver/node';
import type { RegistryFileEdit, SaveRegistryParams } from '../../protocol/registryRequests';
import type { RegistryEntry } from '../../registry/types';
import { upsertRegistry, removeRegistry } from '../../store/registriesFile/edit';
import { RegistriesEditError, RegistryNotFoundError } from '../../store/registriesFile/errors';
import { locateRegistriesFile, readRegistriesFileText } from '../../store/registriesFile/location';
import { NEW_FILE_HEADER } from '../../store/workspaceStore';
import type { ServerContext } from '../context';
import { pathToUri } from '../convert';
import { folderFor } from './requestContext';

/** Only what the file holds: no source, no problem, no empty optional field. */
function fileEntry(entry: RegistryEntry): RegistryEntry {
  const out: RegistryEntry = { slug: entry.slug, provider: entry.provider, endpoint: entry.endpoint, authType: entry.authType };
  if (entry.username) out.username = entry.username;
  if (entry.appIds && entry.appIds.length > 0) out.appIds = entry.appIds;
  if (entry.caFile) out.caFile = entry.caFile;
  if (entry.insecureSkipTLSVerify) out.insecureSkipTLSVerify = true;
  if (entry.plainHttp) out.plainHttp = true;
  return out;
}

/** The registries file's current text as the editor has it (open buffer first), or undefined when it does not exist. */
function currentText(ctx: ServerContext, filePath: string): { text: string; version: number | null } | undefined {
  const open = ctx.documents.get(pathToUri(filePath));
  if (open) return { text: open.getText(), version: open.version };
  const read = readRegistriesFileText(filePath);
  if ('text' in read) return { text: read.text, version: null };
  if (read.problem.code === 'io' && /does not exist/.test(read.problem.message)) return undefined;
  throw new ResponseError(ErrorCodes.InvalidRequest, `replicated-registries: ${read.problem.message}`);
}

/** One replace of the changed middle: the smallest edit, so the editor's undo and cursor stay sensible. */
function minimalEdit(before: string, after: string): TextEdit | undefined {
  if (before === after) return undefined;
  let start = 0;
  while (start < before.length && start < after.length && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let endBefore = before.length;
  let endAfter = after.length;
  while (endBefore > start && endAfter > start && before.charCodeAt(endBefore - 1) === after.charCodeAt(endAfter - 1)) {
    endBefore--;
    endAfter--;
  }
  return TextEdit.replace({ start: positionAt(before, start), end: positionAt(before, endBefore) }, after.slice(start, endAfter));
}

function positionAt(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, character: offset - lineStart };
}

function workspaceEdit(uri: string, current: { text: string; version: number | null } | undefined, updated: string): WorkspaceEdit {
  if (!current) {
    return { documentChanges: [CreateFile.create(uri, { ignoreIfExists: true }), TextDocumentEdit.create({ uri, version: null }, [TextEdit.insert({ line: 0, character: 0 }, updated)])] };
  }
  const edit = minimalEdit(current.text, updated);
  if (!edit) return { documentChanges: [] };
  return { documentChanges: [TextDocumentEdit.create({ uri, version: current.version }, [edit])] };
}

function editFailure(err: unknown): never {
  if (err instanceof RegistriesEditError || err instanceof RegistryNotFoundError) throw new ResponseError(ErrorCodes.InvalidRequest, `replicated-registries: ${err.message}`);
  throw err;
}

export async function saveRegistry(ctx: ServerContext, params: SaveRegistryParams): Promise<RegistryFileEdit> {
  await ctx.ready();
  const entry = params?.entry;
  if (!entry || typeof entry.slug !== 'string' || typeof entry.endpoint !== 'string') throw new ResponseError(ErrorCodes.InvalidParams, 'replicated-registries: SaveRegistry needs an entry with a slug and an endpoint.');
  // An edited entry stays in its own file; a new one goes to the file that applies to the folder.
  const existingFile = params.previousSlug !== undefined ? ctx.workspace.fileOfRegistry(params.previousSlug) : ctx.workspace.fileOfRegistry(entry.slug);
  const filePath = existingFile ?? locateRegistriesFile(folderFor(ctx, params.folderUri)).filePath;
  const uri = pathToUri(filePath);
  const current = currentText(ctx, filePath);
  let updated: string;
  try {
    let base = current?.text ?? NEW_FILE_HEADER;
    if (params.previousSlug !== undefined && params.previousSlug !== entry.slug) {
      try {
        base = removeRegistry(base, params.previousSlug);
      } catch (err) {
        // Renamed from an entry someone already removed: adding the new one is all that is left.
        if (!(err instanceof RegistryNotFoundError)) throw err;
      }
    }
    // An absolute caFile is written relative to the file's folder (EditOptions.filePath), so the team can share it.
    updated = upsertRegistry(base, fileEntry(entry), { filePath });
  } catch (err) {
    editFailure(err);
  }
  ctx.logger.info(`registry ${entry.slug} (${entry.endpoint}) saved to ${filePath} by the editor`);
  return { uri, edit: workspaceEdit(uri, current, updated), created: current === undefined };
}

export async function removeRegistryFromFile(ctx: ServerContext, params: { slug: string }): Promise<RegistryFileEdit> {
  await ctx.ready();
  if (typeof params?.slug !== 'string' || params.slug === '') throw new ResponseError(ErrorCodes.InvalidParams, 'replicated-registries: RemoveRegistry needs the registry name (slug).');
  const filePath = ctx.workspace.fileOfRegistry(params.slug);
  if (!filePath) throw new ResponseError(ErrorCodes.InvalidParams, `replicated-registries: no registry named "${params.slug}" in the workspace's registries files; refresh the Registries view.`);
  const uri = pathToUri(filePath);
  const current = currentText(ctx, filePath);
  if (!current) throw new ResponseError(ErrorCodes.InvalidRequest, `replicated-registries: ${filePath} no longer exists; refresh the Registries view.`);
  let updated: string;
  try {
    updated = removeRegistry(current.text, params.slug);
  } catch (err) {
    editFailure(err);
  }
  ctx.logger.info(`registry ${params.slug} removed from ${filePath} by the editor`);
  return { uri, edit: workspaceEdit(uri, current, updated), created: false };
}
