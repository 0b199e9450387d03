/**
 * The JSON of what the server writes over stdio, with each diagnostic's JSON kept while the diagnostic
 * object lives. The assembly keeps an unchanged document's diagnostics as the same objects from one
 * publish to the next (diagnosticSet.ts), so a keystroke serializes only what it changed; the rest is
 * joined as text.
 *
 * Why: on the 4.3 MB benchmark file every keystroke publishes 1,101 diagnostics (371 KB of JSON).
 * vscode-jsonrpc's encoder, `Buffer.from(JSON.stringify(message))`, cost 3.3–3.9 ms of it: 1.5 ms for
 * the stringify, about 2 ms for V8 to flatten the string that stringify builds in pieces (the first
 * reader of it pays), 0.3 ms for the UTF-8 copy. Writing the kept JSON into one buffer costs 0.2 ms.
 *
 * Diagnostics are never changed after they are made (a moved or re-noted one is a new object), which is
 * what makes keeping their JSON by identity sound. Only the two messages that carry a file's diagnostics
 * take this path: a `textDocument/publishDiagnostics` notification and a full report answering
 * `textDocument/diagnostic`. Every other message is written as vscode-jsonrpc writes it.
 */
import type { ContentTypeEncoderOptions, Message } from 'vscode-languageserver/node';

/** Stands in for the list while the rest of the message is stringified; JSON writes U+0000 as `\u0000`, which no URI or id contains. */
const PLACEHOLDER = '\u0000diagnostics\u0000';
const PLACEHOLDER_JSON = JSON.stringify(PLACEHOLDER);

/** Lists shorter than this are stringified with the message (keeping their JSON would save nothing). */
const SHORTEST_KEPT = 16;

interface WithDiagnostics {
  /** The message with the list replaced by `replacement`. */
  replaced(replacement: string): unknown;
  list: readonly unknown[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The diagnostics a message carries, if it is one of the two kinds that carry a file's. */
function diagnosticsOf(message: Message): WithDiagnostics | undefined {
  const record = message as unknown as Record<string, unknown>;
  if (record.method === 'textDocument/publishDiagnostics' && isRecord(record.params) && Array.isArray(record.params.diagnostics)) {
    const params = record.params;
    return { list: params.diagnostics as unknown[], replaced: (replacement) => ({ ...record, params: { ...params, diagnostics: replacement } }) };
  }
  if ('id' in record && isRecord(record.result) && record.result.kind === 'full' && Array.isArray(record.result.items)) {
    const result = record.result;
    return { list: result.items as unknown[], replaced: (replacement) => ({ ...record, result: { ...result, items: replacement } }) };
  }
  return undefined;
}

/** A vscode-jsonrpc content type encoder (MessageWriterOptions.contentTypeEncoder). */
export class DiagnosticsEncoder {
  readonly name = 'application/json';
  /** A diagnostic's JSON, while the diagnostic is kept by anyone. */
  private readonly kept = new WeakMap<object, string>();

  /** The UTF-8 bytes of `JSON.stringify(message)`. */
  encode(message: Message, options: ContentTypeEncoderOptions): Promise<Uint8Array> {
    try {
      const carried = diagnosticsOf(message);
      const utf8 = options.charset === 'utf-8';
      if (!carried || carried.list.length < SHORTEST_KEPT || !utf8) return Promise.resolve(Buffer.from(JSON.stringify(message), options.charset));
      return Promise.resolve(this.joined(carried));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /**
   * The message's bytes, its diagnostics' kept JSON written one after another into one buffer. Not one
   * string: joining the 1,101 strings (or flattening their concatenation) cost 2.0–2.3 ms, writing them
   * into a buffer 0.2 ms.
   */
  private joined(carried: WithDiagnostics): Buffer {
    const parts: string[] = new Array<string>(carried.list.length);
    let size = carried.list.length + 1; // the commas between the parts, and the brackets
    for (let i = 0; i < parts.length; i++) {
      const json = this.json(carried.list[i]);
      parts[i] = json;
      size += Buffer.byteLength(json, 'utf8');
    }
    const outer = JSON.stringify(carried.replaced(PLACEHOLDER));
    const at = outer.indexOf(PLACEHOLDER_JSON);
    const head = outer.slice(0, at);
    const tail = outer.slice(at + PLACEHOLDER_JSON.length);
    size += Buffer.byteLength(head, 'utf8') + Buffer.byteLength(tail, 'utf8');
    const out = Buffer.allocUnsafe(size);
    let offset = out.write(head, 0, 'utf8');
    out[offset++] = 0x5b; // [
    for (let i = 0; i < parts.length; i++) {
      if (i > 0) out[offset++] = 0x2c; // ,
      offset += out.write(parts[i] as string, offset, 'utf8');
    }
    out[offset++] = 0x5d; // ]
    offset += out.write(tail, offset, 'utf8');
    return offset === size ? out : out.subarray(0, offset);
  }

  private json(item: unknown): string {
    if (typeof item !== 'object' || item === null) return JSON.stringify(item) ?? 'null';
    let json = this.kept.get(item);
    if (json === undefined) {
      // As an array element: what stringify leaves out (undefined, a function) is written as null.
      json = JSON.stringify(item) ?? 'null';
      this.kept.set(item, json);
    }
    return json;
  }
}
