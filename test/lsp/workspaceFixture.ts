/** Temporary workspaces for the LSP tests: files written from a map, removed at the end. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TempWorkspace {
  root: string;
  file(relative: string): string;
  write(relative: string, text: string): string;
  remove(relative: string): void;
  dispose(): void;
}

export function tempWorkspace(files: Record<string, string>): TempWorkspace {
  const root = mkdtempSync(path.join(os.tmpdir(), 'rr-lsp-ws-'));
  const workspace: TempWorkspace = {
    root,
    file: (relative) => path.join(root, relative),
    write(relative, text) {
      const full = path.join(root, relative);
      mkdirSync(path.dirname(full), { recursive: true });
      writeFileSync(full, text);
      return full;
    },
    remove(relative) {
      rmSync(path.join(root, relative), { force: true });
    },
    dispose() {
      rmSync(root, { recursive: true, force: true });
    },
  };
  for (const [relative, text] of Object.entries(files)) workspace.write(relative, text);
  return workspace;
}

/** Offset of the first occurrence of `needle` in `text` (throws when absent, so a typo fails loudly). */
export function offsetOf(text: string, needle: string, from = 0): number {
  const at = text.indexOf(needle, from);
  if (at < 0) throw new Error(`"${needle}" not found in the fixture`);
  return at;
}

/** 0-based line/character of an offset. */
export function positionOf(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

/** The range of the first occurrence of `needle`. */
export function rangeOf(text: string, needle: string, from = 0): { start: { line: number; character: number }; end: { line: number; character: number } } {
  const start = offsetOf(text, needle, from);
  return { start: positionOf(text, start), end: positionOf(text, start + needle.length) };
}
