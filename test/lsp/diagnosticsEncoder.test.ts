/** DiagnosticsEncoder (server/src/lsp/diagnosticsEncoder.ts): the server's stdio messages, with each diagnostic's JSON kept. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Diagnostic, Message } from 'vscode-languageserver/node';
import { DiagnosticsEncoder } from '../../server/src/lsp/diagnosticsEncoder';

function diagnostic(line: number, message: string, extra: Partial<Diagnostic> = {}): Diagnostic {
  return {
    range: { start: { line, character: 2 }, end: { line, character: 9 } },
    severity: 2,
    source: 'replicated-registries',
    code: 'tag-latest',
    message,
    data: { reference: `quay.io/acme/svc-${line}:latest` },
    ...extra,
  };
}

function publish(diagnostics: unknown[], version?: number): Message {
  return { jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri: 'file:///w/big%20file.yaml', ...(version === undefined ? {} : { version }), diagnostics } } as Message;
}

/** A diagnostic that counts how often its message is read (JSON.stringify reads every property). */
function counted(line: number): { diagnostic: Diagnostic; reads: () => number } {
  let reads = 0;
  const made = diagnostic(line, 'unused');
  Object.defineProperty(made, 'message', {
    enumerable: true,
    get: () => {
      reads++;
      return `"svc-${line}" moves between releases`;
    },
  });
  return { diagnostic: made, reads: () => reads };
}

/** What the encoder writes, as text. */
async function text(encoder: DiagnosticsEncoder, message: Message): Promise<string> {
  return Buffer.from(await encoder.encode(message, { charset: 'utf-8' })).toString('utf8');
}

void describe('DiagnosticsEncoder', () => {
  void it('writes exactly what JSON.stringify writes, for the messages that carry diagnostics and for the others', async () => {
    const encoder = new DiagnosticsEncoder();
    const many = Array.from({ length: 40 }, (_, i) =>
      diagnostic(i, `line ${i}: "quoted", back\\slash, tab\t, newline\n, NUL \u0000, é, 𝄞, \u2028`, i % 3 === 0 ? { relatedInformation: [{ location: { uri: 'file:///w/values.yaml', range: { start: { line: 1, character: 0 }, end: { line: 1, character: 4 } } }, message: 'set here' }] } : {}),
    );
    const messages: Message[] = [
      publish(many, 7),
      publish(many),
      publish(many.slice(0, 3), 2),
      publish([], 3),
      { jsonrpc: '2.0', id: 12, result: { kind: 'full', resultId: '5', items: many } } as Message,
      { jsonrpc: '2.0', id: 13, result: { kind: 'unchanged', resultId: '5' } } as Message,
      { jsonrpc: '2.0', id: 14, result: { isIncomplete: false, items: many.map((d) => ({ label: d.message })) } } as Message,
      { jsonrpc: '2.0', method: 'window/logMessage', params: { type: 3, message: '\u0000diagnostics\u0000' } } as Message,
      // Not diagnostics, but a list where they would be: written as stringify writes it.
      publish([1, 'two', null, undefined, { a: undefined }, () => 0, ...many]),
    ];
    for (const message of messages) assert.equal(await text(encoder, message), JSON.stringify(message));
    // A second time, from what was kept.
    for (const message of messages) assert.equal(await text(encoder, message), JSON.stringify(message));
  });

  void it('keeps a diagnostic’s JSON while the object is the same, and writes a new object afresh', async () => {
    const encoder = new DiagnosticsEncoder();
    const tracked = Array.from({ length: 20 }, (_, i) => counted(i));
    const list = tracked.map((t) => t.diagnostic);
    await text(encoder, publish(list, 1));
    assert.ok(tracked.every((t) => t.reads() === 1), 'the first publish serializes each diagnostic once');
    await text(encoder, publish([...list], 2));
    assert.ok(tracked.every((t) => t.reads() === 1), 'an unchanged diagnostic is not serialized again');

    // What the cap's note makes: a copy with a longer message. Its JSON is its own, not the original's.
    const noted = { ...diagnostic(0, 'original'), message: 'original (the same problem at 2 places)' };
    const original = diagnostic(0, 'original');
    const withOriginal = await text(encoder, publish([original, ...list], 3));
    const withNoted = await text(encoder, publish([noted, ...list], 4));
    assert.match(withOriginal, /"message":"original"/);
    assert.match(withNoted, /"message":"original \(the same problem at 2 places\)"/);
    assert.equal(withNoted, JSON.stringify(publish([noted, ...list], 4)));
  });

  void it('writes the UTF-8 bytes of that text, to the last byte', async () => {
    const encoder = new DiagnosticsEncoder();
    const message = publish(Array.from({ length: 30 }, (_, i) => diagnostic(i, `é 𝄞 ${i}`)), 9);
    for (let round = 0; round < 2; round++) {
      const bytes = await encoder.encode(message, { charset: 'utf-8' });
      assert.deepEqual(Buffer.from(bytes), Buffer.from(JSON.stringify(message), 'utf8'));
    }
  });
});
