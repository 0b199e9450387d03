/**
 * Issue 12's scheduling over a real LSP connection (the bundled server, so unopened files are read in
 * its analysis worker): the workspace scan waits while an edit is pending, its worker runs at the lowest
 * OS priority and is let go once idle, and a file over budget read by the scan still gets its one
 * `analysis-limit` diagnostic.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { DidChangeWatchedFilesNotification, FileChangeType } from 'vscode-languageserver-protocol';
import { fileUri, LspTestClient } from './lspTestClient';

/** `count` Deployments (about 600 bytes each): 2,000 of them are 1.2 MB, read by the scan in about 20 batches. */
function deployments(count: number, tagOf: (i: number) => string = () => '1.0.0'): string {
  return Array.from(
    { length: count },
    (_, i) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: svc-${i}
  labels: {app: svc-${i}, tier: backend, team: platform, owner: acme}
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: svc-${i}
          image: ghcr.io/acme/svc-${i}:${tagOf(i)}
          ports: [{containerPort: 8080, name: http}]
          env: [{name: LOG_LEVEL, value: info}, {name: REGION, value: eu-west-1}]
          resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {cpu: "1", memory: 512Mi}}
`,
  ).join('---\n');
}

/** ghcr.io connected: the big files' images have nothing to report but what a test puts there. */
const REGISTRIES = 'app: acme\nregistries:\n  - slug: acme-ghcr\n    provider: ghcr\n    endpoint: ghcr.io\n    authType: token\n    username: acme-bot\n';

const SMALL = 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: a\n      image: nginx:1.27\n';

/** Nice values of the server process's threads (Linux: field 19 of /proc/<pid>/task/<tid>/stat). */
function threadNices(pid: number): number[] {
  const nices: number[] = [];
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8');
      // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      nices.push(Number(fields[16]));
    } catch {
      // The thread ended meanwhile.
    }
  }
  return nices;
}

void describe('scheduling of the workspace scan', () => {
  const folders: string[] = [];
  const clients: LspTestClient[] = [];
  function workspace(files: Record<string, string>): string {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'rr-scheduling-'));
    folders.push(folder);
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(folder, name), text);
    return folder;
  }
  async function start(folder: string, initializationOptions: Record<string, unknown>): Promise<LspTestClient> {
    const client = await LspTestClient.start({ rootPath: folder, initializationOptions: { offline: true, ...initializationOptions } });
    clients.push(client);
    return client;
  }
  after(async () => {
    for (const client of clients) assert.equal(await client.stop(30_000), 0, `clean exit; stderr: ${client.stderr.join('')}`);
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });

  void it('waits while an edit is pending: a big file changed on disk is published after the pending edit', async () => {
    const folder = workspace({ '.replicated-registries.yaml': REGISTRIES, 'big.yaml': deployments(2_000), 'small.yaml': SMALL });
    // An edit stays pending for 3 s (the diagnostics delay): reading the big file again takes well under that otherwise.
    const client = await start(folder, { diagnosticsDelayMs: 3_000 });
    const bigUri = fileUri(path.join(folder, 'big.yaml'));
    const smallUri = fileUri(path.join(folder, 'small.yaml'));
    await client.until(() => client.logs.some((log) => log.startsWith('workspace scan:')), 'the first workspace scan', 60_000);
    assert.deepEqual(client.diagnostics.get(bigUri) ?? [], []);
    const smallOpened = client.waitForDiagnostics({ uri: smallUri, timeoutMs: 30_000 });
    await client.open(smallUri, SMALL);
    await smallOpened;

    const order: string[] = [];
    const smallEdited = client.waitForVersion(smallUri, client.nextVersion(smallUri), 30_000).then((diagnostics) => {
      order.push('edit');
      return diagnostics;
    });
    await client.change(smallUri, SMALL.replace('nginx:1.27', 'nginx:latest'));
    // The big file changes on disk: one of its images now uses `latest`.
    writeFileSync(path.join(folder, 'big.yaml'), deployments(2_000, (i) => (i === 1_500 ? 'latest' : '1.0.0')));
    const bigChanged = client.waitForDiagnostics({ uri: bigUri, until: (d) => d.some((x) => x.code === 'tag-latest'), timeoutMs: 60_000 }).then((diagnostics) => {
      order.push('scan');
      return diagnostics;
    });
    await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: bigUri, type: FileChangeType.Changed }] });

    const [edited, big] = await Promise.all([smallEdited, bigChanged]);
    assert.deepEqual(order, ['edit', 'scan'], 'the scan published the big file while an edit was pending');
    assert.ok(edited.some((d) => d.code === 'tag-latest'), JSON.stringify(edited));
    assert.equal(big.filter((d) => d.code === 'tag-latest').length, 1, JSON.stringify(big.slice(0, 3)));
    assert.equal(big[0]?.range.start.line, 1_500 * 16 + 11, 'the finding is on the changed line');
  });

  void it('reads a big unopened file in a worker at the lowest priority, and lets the worker go once idle', async (t) => {
    if (!existsSync('/proc/self/task')) {
      t.skip('needs /proc (Linux) to read thread priorities');
      return;
    }
    const folder = workspace({ '.replicated-registries.yaml': REGISTRIES, 'big.yaml': deployments(400, (i) => (i === 7 ? 'latest' : '1.0.0')) });
    const client = await start(folder, { analysisWorkerIdleMs: 1_500 });
    const pid = client.process.pid as number;
    const started = (): boolean => client.logs.some((log) => log.includes('analysis worker (workspace scan): started'));
    const stopped = (): boolean => client.logs.some((log) => log.includes('analysis worker (workspace scan): stopped after 1500 ms'));
    await client.until(started, 'the scan worker to start', 30_000);
    // Its thread lowers its own priority when it starts; the server's other threads keep theirs.
    await client.until(() => stopped() || threadNices(pid).includes(19), 'a thread at nice 19', 30_000);
    assert.ok(!stopped(), 'the worker was stopped before its priority could be read');
    assert.ok(threadNices(pid).some((nice) => nice === 0), 'the server thread kept its priority');
    await client.until(() => client.logs.some((log) => log.startsWith('workspace scan:')), 'the workspace scan', 30_000);
    const findings = client.diagnostics.get(fileUri(path.join(folder, 'big.yaml'))) ?? [];
    assert.equal(findings.filter((d) => d.code === 'tag-latest').length, 1, JSON.stringify(findings));

    await client.until(stopped, 'the idle worker to stop', 30_000);
    await client.until(() => !threadNices(pid).includes(19), 'the nice-19 thread to end', 30_000);
    // A later need starts a new one (every document changed: none of the cached results is reused).
    writeFileSync(path.join(folder, 'big.yaml'), deployments(400, () => '2.0.0'));
    const cleared = client.waitForDiagnostics({ uri: fileUri(path.join(folder, 'big.yaml')), until: (d) => d.length === 0, timeoutMs: 30_000 });
    await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: fileUri(path.join(folder, 'big.yaml')), type: FileChangeType.Changed }] });
    await cleared;
    assert.equal(client.logs.filter((log) => log.includes('analysis worker (workspace scan): started')).length, 2, client.logs.join('\n'));
  });

  void it('still gives an unopened file over budget one analysis-limit diagnostic', async () => {
    // Documents the fast scanner hands to the exact parser (an alias): about 1.9 MiB each, 0.7–3 s per MiB,
    // six of them more than the file's 5 s of work (INPUT_LIMITS.analysisTimeMs).
    const line = '  - {name: a, image: "nginx:1.0", other: *b}\n';
    const document = `kind: List\nbase: &b {x: 1}\nitems:\n${line.repeat(Math.floor((1.9 * 1024 * 1024) / line.length))}`;
    const folder = workspace({ 'anchors.yaml': Array.from({ length: 6 }, () => document).join('---\n') });
    const client = await start(folder, {});
    const limits = await client.waitForDiagnostics({ uri: fileUri(path.join(folder, 'anchors.yaml')), until: (d) => d.some((x) => x.code === 'analysis-limit'), timeoutMs: 90_000 });
    assert.equal(limits.filter((d) => d.code === 'analysis-limit').length, 1, JSON.stringify(limits.slice(0, 3)));
  });
});
