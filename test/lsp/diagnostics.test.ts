/**
 * Push diagnostics over a real LSP connection: they appear after open and change, follow edits in
 * multi-document files, honour settings and disable comments, and clear on close; the registries
 * file gets its own diagnostics; unopened workspace files get theirs from the workspace scan.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DidChangeWatchedFilesNotification, FileChangeType, type Diagnostic } from 'vscode-languageserver-protocol';
import { fileUri, LspTestClient } from './lspTestClient';
import { rangeOf, tempWorkspace, type TempWorkspace } from './workspaceFixture';

const codes = (diagnostics: Diagnostic[]): string[] => diagnostics.map((d) => String(d.code)).sort();
const has = (code: string) => (diagnostics: Diagnostic[]) => diagnostics.some((d) => d.code === code);

const REGISTRIES = `app: my-app
registries:
  - slug: acme-ghcr
    provider: ghcr
    endpoint: ghcr.io
    authType: token
    username: acme-bot
public: [docker.io/library]
`;

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: nginx:latest
`;

void describe('diagnostics over LSP (offline)', () => {
  let workspace: TempWorkspace;
  let client: LspTestClient;

  before(async () => {
    workspace = tempWorkspace({ '.replicated-registries.yaml': REGISTRIES });
    client = await LspTestClient.start({ rootPath: workspace.root, initializationOptions: { offline: true } });
  });
  after(async () => {
    await client.stop();
    workspace.dispose();
  });

  void it('reports on open, follows changes and clears on close', async () => {
    const uri = fileUri(workspace.file('scratch/pod.yaml'));
    const opened = client.waitForDiagnostics({ uri, until: has('tag-latest') });
    await client.open(uri, POD);
    const diagnostics = await opened;
    const latest = diagnostics.find((d) => d.code === 'tag-latest');
    assert.ok(latest, 'tag-latest reported');
    assert.deepEqual(latest.range, rangeOf(POD, 'latest'));
    assert.equal(latest.source, 'replicated-registries');
    // docker.io/library is listed as public: no registry-not-connected for nginx.
    assert.deepEqual(codes(diagnostics), ['tag-latest']);

    const fixed = POD.replace('nginx:latest', 'nginx:1.27.2');
    const cleared = client.waitForDiagnostics({ uri, until: (d) => d.length === 0 });
    await client.change(uri, fixed);
    await cleared;

    const broken = fixed.replace('nginx:1.27.2', 'Nginx:1.27');
    const invalid = client.waitForDiagnostics({ uri, until: has('invalid-reference') });
    await client.change(uri, broken);
    const invalidDiagnostics = await invalid;
    assert.equal(invalidDiagnostics.find((d) => d.code === 'invalid-reference')?.severity, 1);

    const closed = client.waitForDiagnostics({ uri, until: (d) => d.length === 0 });
    await client.close(uri);
    await closed;
  });

  void it('a Compose image with ${VAR} follows the .env beside it: unresolved info, then checked once .env sets it', async () => {
    const compose = 'services:\n  web:\n    image: ghcr.io/acme/web:${TAG}\n';
    const uri = fileUri(workspace.file('compose-app/compose.yaml'));
    const unresolved = client.waitForDiagnostics({ uri, until: has('variable-unresolved') });
    await client.open(uri, compose);
    const first = await unresolved;
    assert.deepEqual(codes(first), ['variable-unresolved']);
    assert.deepEqual(first[0]?.range, rangeOf(compose, '${TAG}'));
    assert.equal(first[0]?.severity, 3);

    const checked = client.waitForDiagnostics({ uri, until: has('tag-latest') });
    workspace.write('compose-app/.env', 'TAG=latest\n');
    await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: fileUri(workspace.file('compose-app/.env')), type: FileChangeType.Created }] });
    assert.deepEqual(codes(await checked), ['tag-latest']);
    await client.close(uri);
  });

  void it('re-analyzes only what changed in a multi-document file and keeps the other ranges right', async () => {
    const uri = fileUri(workspace.file('scratch/multi.yaml'));
    const documents = Array.from({ length: 50 }, (_, i) => `---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p${i}\nspec:\n  containers:\n    - name: c\n      image: ghcr.io/acme/app${i}:latest\n`);
    const text = documents.join('');
    const first = client.waitForDiagnostics({ uri, until: (d) => d.filter((x) => x.code === 'tag-latest').length === 50 });
    await client.open(uri, text);
    await first;
    // Insert two lines into document 10: its diagnostic and every later one move down by two lines.
    const insertAt = rangeOf(text, '  name: p10\n').end;
    const line10 = rangeOf(text, 'app10:latest').start.line;
    const edited = client.waitForDiagnostics({ uri, until: (d) => d.some((x) => x.code === 'tag-latest' && x.range.start.line === line10 + 2) });
    await client.edit(uri, { start: insertAt, end: insertAt }, '  labels:\n    tier: web\n');
    const afterEdit = await edited;
    const editedText = text.replace('  name: p10\n', '  name: p10\n  labels:\n    tier: web\n');
    const lines = editedText.split('\n');
    for (const d of afterEdit.filter((x) => x.code === 'tag-latest')) {
      assert.equal(lines[d.range.start.line]?.slice(d.range.start.character, d.range.end.character), 'latest');
    }
    assert.equal(afterEdit.filter((x) => x.code === 'tag-latest').length, 50);
    await client.close(uri);
  });

  void it('honours disable comments', async () => {
    const uri = fileUri(workspace.file('scratch/silenced.yaml'));
    const text = POD.replace('      image: nginx:latest', '      # replicated-registries-disable-next-line tag-latest\n      image: nginx:latest\n    - name: other\n      image: nginx:latest');
    const got = client.waitForDiagnostics({ uri, until: has('tag-latest') });
    await client.open(uri, text);
    const diagnostics = await got;
    assert.equal(diagnostics.filter((d) => d.code === 'tag-latest').length, 1, 'only the unsilenced reference');
    assert.equal(diagnostics[0]?.range.start.line, 10);
    await client.close(uri);
  });

  void it('shows registries-file problems in the file itself', async () => {
    const uri = fileUri(workspace.file('.replicated-registries.yaml'));
    const text = REGISTRIES.replace('provider: ghcr', 'provider: nope');
    const got = client.waitForDiagnostics({ uri, until: has('registries-file') });
    await client.open(uri, text);
    const diagnostics = await got;
    const problem = diagnostics.find((d) => d.code === 'registries-file');
    assert.ok(problem);
    assert.equal(problem.range.start.line, 3, `on the provider line: ${JSON.stringify(problem)}`);
    const fixed = client.waitForDiagnostics({ uri, until: (d) => d.length === 0 });
    await client.change(uri, REGISTRIES);
    await fixed;
    await client.close(uri);
  });
});

void describe('settings over LSP', () => {
  void it('re-levels and turns off rules from workspace/configuration', async () => {
    const workspace = tempWorkspace({});
    const client = await LspTestClient.start({
      rootPath: workspace.root,
      initializationOptions: { offline: true },
      settings: { 'replicated-registries': { rules: { 'tag-latest': 'error', 'registry-not-connected': 'off' } } },
    });
    try {
      const uri = fileUri(workspace.file('pod.yaml'));
      const got = client.waitForDiagnostics({ uri, until: has('tag-latest') });
      await client.open(uri, POD);
      const diagnostics = await got;
      assert.deepEqual(codes(diagnostics), ['tag-latest'], 'registry-not-connected is off');
      assert.equal(diagnostics[0]?.severity, 1, 'tag-latest re-levelled to error');
    } finally {
      await client.stop();
      workspace.dispose();
    }
  });
});

void describe('one problem repeated many times in a file', () => {
  /** `count` Pods on an unconnected registry (quay.io) plus one on another (ghcr.io), all pinned to a version. */
  const manyPods = (count: number): string =>
    [...Array.from({ length: count }, (_, i) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p${i}\nspec:\n  containers:\n    - name: c\n      image: quay.io/acme/svc-${i}:1.0.${i}\n`), 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: other\nspec:\n  containers:\n    - name: c\n      image: ghcr.io/acme/other:1.0.0\n'].join('---\n');
  const notConnected = (diagnostics: Diagnostic[], domain: string): Diagnostic[] => diagnostics.filter((d) => d.code === 'registry-not-connected' && d.message.startsWith(`${domain} `));

  for (const [label, settings, marked] of [
    ['marks the first 20 places of an unconnected registry by default, the first saying how many there are', {}, 20],
    ['marks the number of places replicated-registries.maxRepeatedProblems says', { maxRepeatedProblems: 5 }, 5],
    ['marks every place with replicated-registries.maxRepeatedProblems: 0', { maxRepeatedProblems: 0 }, 30],
  ] as const) {
    void it(label, async () => {
      const workspace = tempWorkspace({});
      const client = await LspTestClient.start({ rootPath: workspace.root, initializationOptions: { offline: true }, settings: { 'replicated-registries': settings } });
      try {
        const uri = fileUri(workspace.file('pods.yaml'));
        const text = manyPods(30);
        const got = client.waitForDiagnostics({ uri, until: (d) => notConnected(d, 'ghcr.io').length === 1 });
        await client.open(uri, text);
        const diagnostics = await got;
        const quay = notConnected(diagnostics, 'quay.io');
        assert.equal(quay.length, marked, 'places marked for quay.io');
        // The marked ones are the first places, in file order.
        assert.deepEqual(quay.map((d) => d.range.start.line), rangesOfFirst(text, 'quay.io/acme/svc-', marked));
        const notes = quay.filter((d) => d.message.includes('places in this file'));
        if (marked < 30) {
          assert.equal(notes.length, 1, 'one diagnostic says how many there are');
          assert.equal(notes[0], quay[0], 'the first one');
          assert.match(notes[0]?.message ?? '', new RegExp(`the same problem at 30 places in this file; the first ${marked} are marked \\(replicated-registries\\.maxRepeatedProblems\\)`));
        } else {
          assert.equal(notes.length, 0);
        }
        // Another problem keeps its own mark.
        assert.equal(notConnected(diagnostics, 'ghcr.io').length, 1);
        assert.ok(!notConnected(diagnostics, 'ghcr.io')[0]?.message.includes('places in this file'));

        // An edit that removes places changes the count; the set follows.
        const fewer = manyPods(22);
        const after = client.waitForDiagnostics({ uri, until: (d) => notConnected(d, 'quay.io').length === Math.min(marked, 22) && (marked >= 22 || notConnected(d, 'quay.io')[0]?.message.includes('at 22 places') === true) });
        await client.change(uri, fewer);
        await after;
      } finally {
        await client.stop();
        workspace.dispose();
      }
    });
  }
});

void describe('an open file\'s set, kept in blocks of documents between edits', () => {
  /**
   * 300 documents (five blocks of 64, diagnosticSet.ts): unconnected registries repeated past the cap, one
   * `latest` message repeated, and `latest` messages each said once.
   */
  const image = (i: number): string => (i % 3 === 0 ? `quay.io/acme/svc-${i}:1.0` : i % 3 === 1 ? 'ghcr.io/acme/app:latest' : `gcr.io/acme/job-${i}:latest`);
  const pod = (i: number): string => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p${i}\nspec:\n  containers:\n    - name: c\n      image: ${image(i)}\n`;

  void it('after each kind of edit, equals the set made afresh, place by place, without blocks', async () => {
    const workspace = tempWorkspace({});
    const client = await LspTestClient.start({ rootPath: workspace.root, initializationOptions: { offline: true }, settings: { 'replicated-registries': { maxRepeatedProblems: 5 } } });
    try {
      await client.until(() => client.logs.some((line) => line.startsWith('workspace scan:')), 'the first workspace scan');
      const uri = fileUri(workspace.file('open.yaml'));
      let text = Array.from({ length: 300 }, (_, i) => pod(i)).join('---\n');
      const opened = client.waitForVersion(uri, 1, 30_000);
      await client.open(uri, text);
      let diagnostics = await opened;
      let step = 0;
      /** The same text as an unopened file: the workspace scan assembles it document by document. */
      const afresh = async (): Promise<Diagnostic[]> => {
        const refUri = fileUri(workspace.file(`fresh-${++step}.yaml`));
        const published = client.waitForDiagnostics({ uri: refUri, timeoutMs: 30_000 });
        workspace.write(`fresh-${step}.yaml`, text);
        await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: refUri, type: FileChangeType.Created }] });
        return published;
      };
      assert.ok(diagnostics.length > 30, `${diagnostics.length} diagnostics`);
      assert.deepEqual(diagnostics, await afresh(), 'on open');

      const edit = async (label: string, find: string, replace: string): Promise<void> => {
        const range = rangeOf(text, find);
        const version = client.nextVersion(uri);
        const published = client.waitForVersion(uri, version, 30_000);
        await client.edit(uri, range, replace);
        text = text.replace(find, replace);
        diagnostics = await published;
        assert.deepEqual(diagnostics, await afresh(), label);
      };
      // In the first block: one `latest` said once goes away, then a place of ghcr.io moves to quay.io
      // (the first marks of both registries and the counts in their notes change).
      await edit('a tag pinned in the first block', 'gcr.io/acme/job-2:latest', 'gcr.io/acme/job-2:2.0');
      await edit('an image moved to another registry', 'image: ghcr.io/acme/app:latest\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p2\n', 'image: quay.io/acme/moved:1.0\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p2\n');
      // Lines added in the middle: every later block starts lower.
      await edit('lines added in the second block', '  name: p100\n', '  name: p100\n  labels:\n    tier: web\n');
      // A document removed: every later document has another index.
      await edit('a document removed', `${pod(3)}---\n`, '');
      await edit('the last document changed', 'gcr.io/acme/job-299:latest', 'quay.io/acme/job-299:latest');
      // Back to counts an earlier set had: the notes kept from one set to the next must say them again.
      await edit('the last document back', 'quay.io/acme/job-299:latest', 'gcr.io/acme/job-299:latest');
      await edit('a problem gone since the first set back', 'gcr.io/acme/job-2:2.0', 'gcr.io/acme/job-2:latest');
      await edit('a place of ghcr.io back', 'image: quay.io/acme/moved:1.0\n', 'image: ghcr.io/acme/app:latest\n');
      await edit('the last document changed again', 'gcr.io/acme/job-299:latest', 'quay.io/acme/job-299:latest');
      assert.equal(diagnostics.filter((d) => d.code === 'registry-not-connected' && d.message.startsWith('quay.io ')).length, 5);
    } finally {
      await client.stop();
      workspace.dispose();
    }
  });
});

/** 0-based lines of the first `count` occurrences of `needle`. */
function rangesOfFirst(text: string, needle: string, count: number): number[] {
  return text.split('\n').flatMap((line, index) => (line.includes(needle) ? [index] : [])).slice(0, count);
}

void describe('whole-workspace diagnostics', () => {
  void it('publishes for unopened files (honouring .gitignore), follows the registries file and deletions', async () => {
    const workspace = tempWorkspace({
      '.replicated-registries.yaml': 'public: [docker.io/library]\n',
      '.gitignore': 'ignored/\n',
      'manifests/app.yaml': POD.replace('nginx:latest', 'quay.io/acme/api:1.0'),
      'manifests/ok.yaml': POD.replace('nginx:latest', 'nginx:1.27'),
      'ignored/skip.yaml': POD,
      'node_modules/pkg/skip.yaml': POD,
    });
    const client = await LspTestClient.start({ rootPath: workspace.root, initializationOptions: { offline: true } });
    try {
      const appUri = fileUri(workspace.file('manifests/app.yaml'));
      const first = await client.waitForDiagnostics({ uri: appUri, until: has('registry-not-connected') });
      assert.deepEqual(codes(first), ['registry-not-connected']);
      // The scan logs when it is done; by then every file it would publish for has been published.
      await client.until(() => client.logs.some((line) => line.startsWith('workspace scan:')), 'the end of the workspace scan');
      assert.equal(client.diagnostics.has(fileUri(workspace.file('ignored/skip.yaml'))), false, '.gitignore honoured');
      assert.equal(client.diagnostics.has(fileUri(workspace.file('node_modules/pkg/skip.yaml'))), false, 'node_modules skipped');
      assert.deepEqual(client.diagnostics.get(fileUri(workspace.file('manifests/ok.yaml'))), [], 'clean files get an empty list');

      // Connecting quay.io in the registries file re-validates the workspace.
      const changed = client.waitForNotification('replicatedRegistries/registriesChanged', client.customNotifications.length);
      const revalidated = client.waitForDiagnostics({ uri: appUri, until: (d) => !d.some((x) => x.code === 'registry-not-connected') });
      workspace.write('.replicated-registries.yaml', 'public: [docker.io/library]\nregistries:\n  - slug: acme-quay\n    provider: quay\n    endpoint: quay.io\n    authType: password\n    username: acme+bot\n');
      await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
        changes: [{ uri: fileUri(workspace.file('.replicated-registries.yaml')), type: FileChangeType.Created }],
      });
      await changed;
      await revalidated;

      const cleared = client.waitForDiagnostics({ uri: appUri, until: (d) => d.length === 0 });
      workspace.remove('manifests/app.yaml');
      await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: appUri, type: FileChangeType.Deleted }] });
      await cleared;
      assert.ok(client.registrations.includes('workspace/didChangeWatchedFiles'), 'file watching registered dynamically');
      assert.ok(client.registrations.includes('workspace/didChangeConfiguration'), 'configuration changes registered dynamically');
    } finally {
      await client.stop();
      workspace.dispose();
    }
  });
});
