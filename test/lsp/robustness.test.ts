/**
 * The server never crashes: garbage, huge lines, lone UTF-16 surrogates, binary, random and mutated
 * YAML, and malformed requests all leave it answering, with every diagnostic range inside its document.
 * Also: the CLI entry `replicated-registries lsp --stdio` serves the same protocol.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CodeActionRequest, CompletionRequest, HoverRequest, type Diagnostic } from 'vscode-languageserver-protocol';
import { ListTagsRequest, TestRegistryRequest } from '../../server/src/protocol/messages';
import { cliBundle, fileUri, LspTestClient } from './lspTestClient';

/** Deterministic pseudo-random numbers, so a failure reproduces. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const SEED_DOCUMENTS = [
  'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: a\n      image: nginx:latest\n',
  'image:\n  registry: ghcr.io\n  repository: acme/app\n  tag: "1.0"\n',
  'services:\n  web:\n    image: "quay.io/acme/web@sha256:' + 'a'.repeat(64) + '"\n',
  'images:\n  - name: nginx\n    newName: ghcr.io/acme/nginx\n    newTag: "2"\n',
  'kind: Application\napiVersion: kots.io/v1beta1\nspec:\n  additionalImages:\n    - repl{{ LocalImageName "x" }}\n    - busybox\n',
  'spec:\n  containers:\n    - image: proxy.replicated.com/proxy/my-app/ghcr.io/acme/app:1\n',
];

function mutate(text: string, next: () => number): string {
  const alphabet = ['\n', ' ', ':', '-', '"', "'", '{', '}', '[', ']', '#', '@', '/', '\t', '---\n', '\uD800', '\uDC00', '\u0000', 'é', '{{', '}}', '&a', '*a', '!!str', '|', '>'];
  let out = text;
  const edits = 1 + Math.floor(next() * 6);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(next() * (out.length + 1));
    const kind = next();
    if (kind < 0.4) out = out.slice(0, at) + alphabet[Math.floor(next() * alphabet.length)] + out.slice(at);
    else if (kind < 0.7) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(next() * 8));
    else out = out.slice(0, at) + out.slice(Math.floor(next() * out.length)).slice(0, 40) + out.slice(at);
  }
  return out;
}

function assertInside(text: string, diagnostics: Diagnostic[]): void {
  const lines = text.split(/\r\n|\r|\n/);
  for (const d of diagnostics) {
    for (const p of [d.range.start, d.range.end]) {
      assert.ok(p.line >= 0 && p.line < lines.length, `line ${p.line} outside ${lines.length} lines`);
      assert.ok(p.character >= 0 && p.character <= (lines[p.line]?.length ?? 0), `character ${p.character} outside line ${p.line}`);
    }
  }
}

/**
 * The diagnostics of `uri`'s current version, pulled (LSP 3.17): a pull answers every version, where a
 * push comes only when the diagnostics changed. `unchanged` keeps what the previous full report said.
 */
async function pulled(client: LspTestClient, uri: string, last: { resultId?: string; items: Diagnostic[] }): Promise<Diagnostic[]> {
  const report = await client.pull(uri, last.resultId);
  if (report.kind === 'full') {
    last.items = report.items;
    if (report.resultId !== undefined) last.resultId = report.resultId;
  }
  return last.items;
}

void describe('malformed input never crashes the server', () => {
  let client: LspTestClient;
  let pulling: LspTestClient;
  before(async () => {
    client = await LspTestClient.start({ initializationOptions: { offline: true, diagnosticsDelayMs: 0 } });
    pulling = await LspTestClient.start({ initializationOptions: { offline: true, diagnosticsDelayMs: 0 }, pullDiagnostics: true });
  });
  after(async () => {
    assert.equal(await pulling.stop(), 0);
    const code = await client.stop();
    assert.equal(code, 0, `clean exit after shutdown; stderr: ${client.stderr.join('')}`);
  });

  const cases: Array<[string, string]> = [
    ['garbage', '}{][:::---\n\t\t- - - :\n"unterminated\n'],
    ['a huge line', `image: ${'a'.repeat(300_000)}\n`],
    ['lone surrogates', 'image: "ng\uD800inx:1"\nimage2: \uDC00\uD83D\n  image: \uD83D\uDE00:latest\n'],
    ['binary', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)).toString('latin1')],
    ['deep nesting', `${'['.repeat(5000)}\n`],
    ['many documents', '---\n'.repeat(20_000)],
    ['an anchor bomb', 'a: &a ["lol","lol"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\nimage: nginx:latest\n'],
  ];
  for (const [name, text] of cases) {
    void it(`survives ${name}`, async () => {
      const uri = fileUri(`/tmp/rr-robust/${name.replace(/\W+/g, '-')}.yaml`);
      const published = client.waitForDiagnostics({ uri });
      await client.open(uri, text);
      assertInside(text, await published);
      const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 0, character: 10 } });
      assert.ok(hover === null || typeof hover === 'object');
      await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: 0, character: 5 } });
      await client.close(uri);
      assert.ok(client.isRunning);
    });
  }

  void it('survives 300 random and mutated YAML documents, with every range inside its document', async () => {
    const next = random(20261129);
    const uri = fileUri('/tmp/rr-robust/fuzz.yaml');
    let text = SEED_DOCUMENTS.join('---\n');
    const last: { resultId?: string; items: Diagnostic[] } = { items: [] };
    await pulling.open(uri, text);
    assertInside(text, await pulled(pulling, uri, last));
    for (let i = 0; i < 300; i++) {
      const seed = SEED_DOCUMENTS[Math.floor(next() * SEED_DOCUMENTS.length)] ?? '';
      text = next() < 0.5 ? mutate(seed, next) : mutate(text, next).slice(0, 20_000);
      await pulling.change(uri, text);
      assertInside(text, await pulled(pulling, uri, last));
    }
    await pulling.close(uri);
    // The engine did not throw either (the server would have survived it, logging "... failed on ...").
    assert.deepEqual(pulling.logs.filter((line) => / failed on /.test(line)), []);
  });

  void it('incremental edits give the same diagnostics as analyzing the final text afresh', async () => {
    const next = random(4242);
    const uri = fileUri('/tmp/rr-robust/incremental.yaml');
    let text = Array.from({ length: 40 }, (_, i) => SEED_DOCUMENTS[i % SEED_DOCUMENTS.length]).join('---\n');
    const last: { resultId?: string; items: Diagnostic[] } = { items: [] };
    await pulling.open(uri, text);
    await pulled(pulling, uri, last);
    const pieces = ['---\n', '\n', 'image: ', 'nginx:latest', ':', '  ', '- image: quay.io/x/y\n', '#', '...\n', 'Bad:Ref', ''];
    for (let round = 0; round < 8; round++) {
      for (let i = 0; i < 15; i++) {
        const start = Math.floor(next() * text.length);
        const end = Math.min(text.length, start + Math.floor(next() * 12));
        const insert = pieces[Math.floor(next() * pieces.length)] ?? '';
        const lines = text.slice(0, start).split('\n');
        const startPos = { line: lines.length - 1, character: (lines[lines.length - 1] ?? '').length };
        const endLines = text.slice(0, end).split('\n');
        const endPos = { line: endLines.length - 1, character: (endLines[endLines.length - 1] ?? '').length };
        text = text.slice(0, start) + insert + text.slice(end);
        await pulling.edit(uri, { start: startPos, end: endPos }, insert);
      }
      const incremental = await pulled(pulling, uri, last);
      const freshUri = fileUri(`/tmp/rr-robust/fresh-${round}.yaml`);
      await pulling.open(freshUri, text);
      const expected = await pulled(pulling, freshUri, { items: [] });
      const strip = (d: Diagnostic[]) => d.map((x) => ({ range: x.range, code: x.code, message: x.message, severity: x.severity }));
      assert.deepEqual(strip(incremental), strip(expected), `round ${round}`);
      await pulling.close(freshUri);
    }
    await pulling.close(uri);
  });

  void it('answers malformed requests with errors, not crashes', async () => {
    const uri = fileUri('/tmp/rr-robust/values.yaml');
    await client.open(uri, 'image: nginx\n');
    // Positions far outside the document, unknown documents, missing parameters.
    await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 99_999, character: 99_999 } });
    assert.equal(await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: 'file:///nope.yaml' }, position: { line: 0, character: 0 } }), null);
    await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: { start: { line: -1, character: -5 }, end: { line: 1e9, character: 0 } }, context: { diagnostics: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, message: 'x', source: 'replicated-registries', data: { code: 42 } }] } });
    await assert.rejects(client.connection.sendRequest(TestRegistryRequest, null as never));
    await assert.rejects(client.connection.sendRequest(ListTagsRequest, { slug: 7 } as never));
    await client.connection.sendRequest('replicatedRegistries/unknown', {}).catch(() => undefined);
    await client.connection.sendNotification('replicatedRegistries/credentialsChanged', { slug: null });
    const still = client.waitForDiagnostics({ uri, until: (d) => d.some((x) => x.code === 'tag-latest') });
    await client.change(uri, 'spec:\n  containers:\n    - image: nginx:latest\n');
    await still; // still validating after the bad requests
    await client.close(uri);
  });
});

void describe('replicated-registries lsp --stdio', () => {
  void it('serves diagnostics through the CLI entry', async () => {
    const cli = await cliBundle();
    const client = await LspTestClient.start({ command: { file: process.execPath, args: [cli, 'lsp', '--stdio'] }, initializationOptions: { offline: true } });
    try {
      assert.equal(client.initializeResult.serverInfo?.name, 'replicated-registries');
      const uri = fileUri('/tmp/rr-cli/pod.yaml');
      const got = client.waitForDiagnostics({ uri, until: (d) => d.some((x) => x.code === 'tag-latest') });
      await client.open(uri, 'spec:\n  containers:\n    - image: nginx:latest\n');
      await got;
    } finally {
      assert.equal(await client.stop(), 0);
    }
  });
});
