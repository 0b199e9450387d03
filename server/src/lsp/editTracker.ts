/**
 * Creates the open documents (ChunkedTextDocument: an edit does not copy the whole text) and remembers which part of each open document changed since it was last analyzed, from the incremental
 * didChange events themselves (the documents manager calls our `update`), so the analysis can skip
 * the untouched part of a large file without comparing texts.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocumentContentChangeEvent, TextDocumentsConfiguration } from 'vscode-languageserver/node';
import { ChunkedTextDocument } from './chunkedTextDocument';
import type { EditHint } from './fileAnalysis';

export class EditTracker {
  private readonly pending = new Map<string, EditHint>();

  readonly configuration: TextDocumentsConfiguration<TextDocument> = {
    create: (uri, languageId, version, content) => {
      this.pending.delete(uri);
      return ChunkedTextDocument.create(uri, languageId, version, content);
    },
    update: (document, changes, version) => {
      // Every document here was made by `create` above.
      let current = document instanceof ChunkedTextDocument ? document : ChunkedTextDocument.create(document.uri, document.languageId, document.version, document.getText());
      for (const change of changes) {
        this.record(current, change);
        current = ChunkedTextDocument.update(current, [change], version);
      }
      return current;
    },
  };

  /** What changed since the last call for `uri` (and forget it). */
  take(uri: string): EditHint | undefined {
    const hint = this.pending.get(uri);
    this.pending.delete(uri);
    return hint;
  }

  forget(uri: string): void {
    this.pending.delete(uri);
  }

  private record(document: ChunkedTextDocument, change: TextDocumentContentChangeEvent): void {
    const length = document.length;
    let hint: EditHint;
    if ('range' in change) {
      const from = document.offsetAt(change.range.start);
      const to = document.offsetAt(change.range.end);
      const start = Math.min(from, to);
      const end = Math.max(from, to);
      hint = { prefix: start, suffix: length - end, delta: change.text.length - (end - start) };
    } else {
      hint = { prefix: 0, suffix: 0, delta: change.text.length - length };
    }
    const earlier = this.pending.get(document.uri);
    // Positions before the earliest change and after the latest one (counted from the end) are untouched in every later text.
    this.pending.set(
      document.uri,
      earlier ? { prefix: Math.min(earlier.prefix, hint.prefix), suffix: Math.min(earlier.suffix, hint.suffix), delta: earlier.delta + hint.delta } : hint,
    );
  }
}
