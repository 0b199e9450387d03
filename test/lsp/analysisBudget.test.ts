/**
 * Issue 12 over a real LSP connection (the bundled server, so big documents are read in its analysis
 * worker): a document that cannot be read within the file's budget gets one `analysis-limit` diagnostic
 * and never a hang, and while it is being read the server answers another file's edits first.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { fileUri, LspTestClient } from './lspTestClient';

/**
 * Documents of about 1.9 MiB whose alias makes the fast scanner hand them to the exact parser (read up to
 * 2 MiB a document), which needs 0.7–3 s per MiB: six of them are more than the file's 5 s of work
 * (INPUT_LIMITS.analysisTimeMs) on any machine.
 */
function anchoredDocuments(count: number): string {
  const line = '  - {name: a, image: "nginx:1.0", other: *b}\n';
  const document = `kind: List\nbase: &b {x: 1}\nitems:\n${line.repeat(Math.floor((1.9 * 1024 * 1024) / line.length))}`;
  return Array.from({ length: count }, () => document).join('---\n');
}

void describe('analysis budget in the language server', () => {
  let client: LspTestClient;
  before(async () => {
    client = await LspTestClient.start({ initializationOptions: { offline: true, diagnosticsDelayMs: 0 } });
  });
  after(async () => {
    assert.equal(await client.stop(30_000), 0, `clean exit; stderr: ${client.stderr.join('')}`);
  });

  void it('gives a document over budget one analysis-limit diagnostic, and answers another file meanwhile', async () => {
    const bigUri = fileUri('/tmp/rr-budget/anchors.yaml');
    const smallUri = fileUri('/tmp/rr-budget/small.yaml');
    const order: string[] = [];
    const bigDone = client.waitForDiagnostics({ uri: bigUri, until: (d) => d.some((x) => x.code === 'analysis-limit'), timeoutMs: 60_000 }).then((d) => {
      order.push('big');
      return d;
    });
    await client.open(bigUri, anchoredDocuments(6));

    // Typing in another file while the big document is read off the server's thread.
    const small = 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: a\n      image: nginx:latest\n';
    const smallOpened = client.waitForDiagnostics({ uri: smallUri, timeoutMs: 60_000 });
    await client.open(smallUri, small);
    const smallDiagnostics: Diagnostic[] = await smallOpened;
    order.push('small');
    assert.ok(smallDiagnostics.some((d) => d.code === 'tag-latest'), JSON.stringify(smallDiagnostics));

    const big = await bigDone;
    assert.deepEqual(order, ['small', 'big'], 'the small file waited for the big one');
    const limits = big.filter((d) => d.code === 'analysis-limit');
    assert.equal(limits.length, 1, JSON.stringify(limits));
    assert.match(String(limits[0]?.message), /took longer than 5 s/);
    // The server is alive and still reads the small file's edits.
    const edited = client.waitForVersion(smallUri, client.nextVersion(smallUri), 30_000);
    await client.change(smallUri, small.replace('nginx:latest', 'nginx:1.27'));
    assert.ok(!(await edited).some((d) => d.code === 'tag-latest'));
  });
});
