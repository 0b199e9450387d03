/**
 * Against a real registry (docker-registry with htpasswd over TLS, images pushed with skopeo): a
 * missing tag is reported as tag-not-found after open, its quick fix offers tags that exist, and
 * pin-to-digest inserts the digest the registry serves — all over LSP, credentials answered by the
 * test client the way VS Code answers from SecretStorage.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CodeActionRequest,
  CodeActionResolveRequest,
  CompletionRequest,
  HoverRequest,
  type CompletionList,
  type CodeAction,
  type Command,
  type Diagnostic,
  type MarkupContent,
} from 'vscode-languageserver-protocol';
import { ListTagsRequest, TestRegistryRequest } from '../../server/src/protocol/messages';
import { pushImage, startHtpasswdRegistry, type PushedImage, type RunningRegistry } from '../harness/index';
import { fileUri, LspTestClient } from './lspTestClient';
import { positionOf, rangeOf, tempWorkspace, type TempWorkspace } from './workspaceFixture';

const USER = 'alice';
const PASSWORD = 'correct-horse-battery';

const actionsOnly = (items: (CodeAction | Command)[] | null): CodeAction[] => (items ?? []).filter((i): i is CodeAction => 'kind' in i && i.kind !== undefined);

void describe('LSP against a real registry', () => {
  let registry: RegistryFixture;
  let workspace: TempWorkspace;
  let client: LspTestClient;
  let uri: string;
  let text: string;
  let diagnostics: Diagnostic[];

  interface RegistryFixture {
    reg: RunningRegistry;
    v100: PushedImage;
    v120: PushedImage;
  }

  before(async () => {
    const reg = await startHtpasswdRegistry({ tls: true, users: { [USER]: PASSWORD } });
    const v100 = await pushImage(reg, { repository: 'acme/app', tag: '1.0.0', format: 'oci', username: USER, password: PASSWORD });
    const v120 = await pushImage(reg, { repository: 'acme/app', tag: '1.2.0', format: 'index', username: USER, password: PASSWORD });
    registry = { reg, v100, v120 };
    workspace = tempWorkspace({
      '.replicated-registries.yaml': `app: my-app\nregistries:\n  - slug: local\n    provider: other\n    endpoint: ${reg.host}\n    authType: password\n    username: ${USER}\n    caFile: ${JSON.stringify(reg.caFile)}\n`,
    });
    client = await LspTestClient.start({
      rootPath: workspace.root,
      credentials: (params) => (params.slug === 'local' ? { username: USER, secret: PASSWORD } : null),
    });
    text = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n  containers:\n    - name: good\n      image: ${reg.host}/acme/app:1.0.0\n    - name: missing\n      image: ${reg.host}/acme/app:9.9.9\n`;
    uri = fileUri(workspace.write('pod.yaml', text));
    const got = client.waitForDiagnostics({ uri, until: (d) => d.some((x) => x.code === 'tag-not-found') });
    await client.open(uri, text);
    diagnostics = await got;
  });
  after(async () => {
    await client?.stop();
    workspace?.dispose();
    await registry?.reg.stop();
  });

  void it('reports tag-not-found on the missing tag only, and nothing on the image that exists', () => {
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.range]),
      [['tag-not-found', rangeOf(text, '9.9.9')]],
      `server log:\n${client.logs.join('\n')}`,
    );
    assert.equal(client.credentialRequests[0]?.slug, 'local');
  });

  void it('offers the registry tags, newest first, as fixes for the missing tag', async () => {
    const missing = diagnostics[0];
    assert.ok(missing);
    const actions = actionsOnly(await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: missing.range, context: { diagnostics: [missing] } }));
    const tagFixes = actions.filter((a) => a.title.startsWith('Change the tag to'));
    assert.deepEqual(tagFixes.map((a) => a.title), ['Change the tag to "1.2.0"', 'Change the tag to "1.0.0"']);
    assert.deepEqual(tagFixes[0]?.edit?.changes?.[uri], [{ range: rangeOf(text, '9.9.9'), newText: '1.2.0' }]);
  });

  void it('pins a reference to the digest the registry serves (inline and through codeAction/resolve)', async () => {
    const range = rangeOf(text, `${registry.reg.host}/acme/app:1.0.0`);
    const actions = actionsOnly(await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range, context: { diagnostics: [] } }));
    const pin = actions.find((a) => a.title.startsWith('Pin'));
    assert.ok(pin?.edit?.changes, JSON.stringify(actions));
    const afterTag = positionOf(text, text.indexOf(':1.0.0') + ':1.0.0'.length);
    assert.deepEqual(pin.edit.changes[uri], [{ range: { start: afterTag, end: afterTag }, newText: `@${registry.v100.digest}` }]);

    const resolved = await client.connection.sendRequest(CodeActionResolveRequest.type, {
      title: 'Pin',
      kind: 'refactor.rewrite',
      data: { kind: 'pin-digest', uri, version: 1, imageStart: text.indexOf(`${registry.reg.host}/acme/app:1.0.0`) },
    });
    assert.deepEqual(resolved.edit?.changes?.[uri], [{ range: { start: afterTag, end: afterTag }, newText: `@${registry.v100.digest}` }]);
  });

  void it('hovers with the last check: verdict and digest', async () => {
    const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: positionOf(text, text.indexOf('acme/app:1.0.0')) });
    const value = (hover?.contents as MarkupContent).value;
    assert.match(value, /Last check.*\*\*ok\*\*/);
    assert.ok(value.includes(registry.v100.digest), value);
    assert.match(value, /Credentials.*present/);
    // The registry listens on a port: a proxy form would be rejected by Docker, so the hover says why instead.
    assert.match(value, /No proxy reference.*has a port/);
    assert.doesNotMatch(value, /proxy\.replicated\.com\/proxy\/my-app\/127\.0\.0\.1/);
  });

  void it('completes tags after "repository:", newest first, from the registry', async () => {
    const typed = `${text}    - name: new\n      image: ${registry.reg.host}/acme/app:1\n`;
    await client.change(uri, typed);
    const line = typed.split('\n').length - 2;
    const character = `      image: ${registry.reg.host}/acme/app:1`.length;
    const list = (await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line, character } })) as CompletionList;
    assert.deepEqual(list.items.map((i) => i.label), ['1.2.0', '1.0.0']);
    const edit = list.items[0]?.textEdit;
    assert.deepEqual(edit && 'range' in edit ? edit.range : undefined, { start: { line, character: character - 1 }, end: { line, character } });
    await client.change(uri, text);
  });

  void it('tests the registry and pages its tags through the custom requests', async () => {
    const result = await client.connection.sendRequest(TestRegistryRequest, { slug: 'local', image: 'acme/app:1.2.0' });
    assert.equal(result.verdict, 'ok', result.message);
    assert.equal(result.digest, registry.v120.digest);
    // Page by page until no cursor (distribution 2.8 may ignore `n` for tags and answer in one page).
    const tags: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 5; page++) {
      const result = await client.connection.sendRequest(ListTagsRequest, { slug: 'local', repository: 'acme/app', pageSize: 1, ...(cursor ? { cursor } : {}) });
      assert.equal(result.error, undefined);
      tags.push(...result.tags);
      cursor = result.cursor;
      if (!cursor) break;
    }
    assert.equal(cursor, undefined, 'paging ends');
    assert.deepEqual(tags.sort(), ['1.0.0', '1.2.0']);
  });
});
