/**
 * Testing a registry that is not saved yet, through the language server, against real registries: the
 * wizard's draft with transient credentials that travel only over the LSP pipe. The test uses exactly
 * the login it is given (an edited username is not silently replaced), answers with the registry's
 * health apart from the image's verdict and with advice in the wizard's terms, probes which scheme a
 * host answers on (HTTPS first, then plain HTTP), sends the credentials to no other host (a token realm
 * elsewhere, insecure options without consent), and never writes them anywhere: not in a process's
 * arguments, not in the server's output or log.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ProbeRegistryRequest, TestRegistryDraftRequest } from '../../server/src/protocol/registryRequests';
import type { RegistryEntry } from '../../server/src/registry/types';
import { leakedSecrets, pushImage, startAttackerHost, startHtpasswdRegistry, type AttackerHost, type RunningRegistry } from '../harness/index';
import { LspTestClient } from './lspTestClient';
import { tempWorkspace, type TempWorkspace } from './workspaceFixture';

const nonce = Math.random().toString(36).slice(2, 8);
const USER = 'drafter';
const PASSWORD = `Draft-Secret-${nonce}`;

void describe('draft tests over LSP', () => {
  let tls: RunningRegistry;
  let plain: RunningRegistry;
  let workspace: TempWorkspace;
  let client: LspTestClient;
  let realm: AttackerHost;
  let registry: AttackerHost;
  let consentAsked = 0;

  const draft = (overrides: Partial<RegistryEntry> = {}): RegistryEntry => ({ slug: 'lab', provider: 'other', endpoint: tls.host, authType: 'password', username: USER, caFile: tls.caFile, ...overrides });

  before(async () => {
    tls = await startHtpasswdRegistry({ tls: true, users: { [USER]: PASSWORD } });
    plain = await startHtpasswdRegistry({ tls: false, users: { [USER]: PASSWORD } });
    await pushImage(tls, { repository: 'acme/app', tag: '1.0', format: 'oci', username: USER, password: PASSWORD });
    // A registry (on 127.0.0.2) whose token realm is another host (127.0.0.3): a login must never go there.
    realm = await startAttackerHost({ tls: true, address: '127.0.0.3', responder: () => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"token":"t"}' }) });
    registry = await startAttackerHost({ tls: true, responder: (request) => ({ status: 401, headers: { 'www-authenticate': `Bearer realm="https://${realm.host}/token",service="x"` }, body: request.path }) });
    workspace = tempWorkspace({});
    client = await LspTestClient.start({ rootPath: workspace.root, recordServerOutput: true, insecureConsent: () => ++consentAsked < 0, env: { HOME: workspace.file('home'), DOCKER_CONFIG: workspace.file('docker') } });
  });
  after(async () => {
    await client?.stop();
    workspace?.dispose();
    await registry?.stop();
    await realm?.stop();
    await plain?.stop();
    await tls?.stop();
  });

  void it('passes with the login it is given, and says the registry answered and took it', async () => {
    const result = await client.connection.sendRequest(TestRegistryDraftRequest, { draft: draft(), credentials: { username: USER, secret: PASSWORD }, image: 'acme/app:1.0' });
    assert.equal(result.verdict, 'ok', result.message);
    assert.equal(result.health.state, 'ok');
    assert.equal(result.health.anonymous, false);
    assert.equal(result.advice, undefined);
  });

  void it('uses exactly the edited username: a wrong one is a rejected login, with the wizard’s advice', async () => {
    const result = await client.connection.sendRequest(TestRegistryDraftRequest, { draft: draft({ username: 'someone-else' }), credentials: { username: 'someone-else', secret: PASSWORD }, image: 'acme/app:1.0' });
    assert.equal(result.verdict, 'unauthorized');
    assert.equal(result.health.state, 'login-failed');
    assert.equal(result.advice?.change, 'credentials');
    assert.match(result.advice?.text ?? '', /Change the credentials/);
  });

  void it('a missing tag is the image’s verdict: the registry stays healthy', async () => {
    const result = await client.connection.sendRequest(TestRegistryDraftRequest, { draft: draft(), credentials: { username: USER, secret: PASSWORD }, image: 'acme/app:9.9.9' });
    assert.equal(result.verdict, 'tag-not-found');
    assert.equal(result.health.state, 'ok');
    assert.equal(result.advice?.change, 'image');
  });

  void it('an untrusted certificate and plain HTTP to a TLS registry point at the connection options, in the wizard’s words', async () => {
    const untrusted = await client.connection.sendRequest(TestRegistryDraftRequest, { draft: draft({ caFile: undefined }), credentials: { username: USER, secret: PASSWORD }, image: 'acme/app:1.0' });
    assert.equal(untrusted.verdict, 'tls-untrusted');
    assert.equal(untrusted.advice?.change, 'connection');
    assert.match(untrusted.advice?.text ?? '', /Change connection options.*Trust a CA certificate file/);
    assert.doesNotMatch(untrusted.advice?.text ?? '', /caFile|--ca-file/);
    const wrongScheme = await client.connection.sendRequest(TestRegistryDraftRequest, { draft: draft({ plainHttp: true, caFile: undefined }), credentials: { username: USER, secret: PASSWORD }, image: 'acme/app:1.0' });
    assert.equal(wrongScheme.connectionProblem, 'https-only', wrongScheme.message);
    assert.match(wrongScheme.advice?.text ?? '', /speaks HTTPS: choose "Change connection options" and uncheck "Use plain HTTP"/);
    assert.ok(consentAsked > 0, 'plain HTTP with credentials asked for consent');
    assert.match(wrongScheme.message, /Your credentials were not used/);
  });

  void it('probes HTTPS first, then plain HTTP, and says which one answered', async () => {
    const overTls = await client.connection.sendRequest(ProbeRegistryRequest, { provider: 'other', endpoint: tls.host });
    assert.equal(overTls.answeredOver, 'https');
    assert.equal(overTls.tls, 'untrusted');
    assert.deepEqual(overTls.suggested, { caFile: true });
    const overHttp = await client.connection.sendRequest(ProbeRegistryRequest, { provider: 'other', endpoint: plain.host });
    assert.equal(overHttp.answeredOver, 'http');
    assert.deepEqual(overHttp.suggested, { plainHttp: true });
    assert.match(overHttp.message, /answered over plain HTTP/);
  });

  void it('sends the draft’s login to no other host: a token realm elsewhere gets nothing', async () => {
    const result = await client.connection.sendRequest(TestRegistryDraftRequest, {
      draft: { slug: 'x', provider: 'other', endpoint: registry.host, authType: 'password', username: USER, caFile: registry.caFile },
      credentials: { username: USER, secret: PASSWORD },
      image: 'acme/app:1.0',
    });
    assert.equal(result.verdict, 'protocol-error', result.message);
    assert.deepEqual(leakedSecrets(realm.requests, [PASSWORD]), []);
    assert.equal(realm.requests.filter((r) => r.headers.authorization !== undefined).length, 0);
  });

  void it('never writes the transient credentials: not in the server’s arguments, output or log', () => {
    // Every byte the server wrote (responses, notifications, window/logMessage) and its stderr.
    const transcript = [...client.serverOutput, ...client.stderr, ...client.logs].join('');
    assert.ok(transcript.length > 0);
    assert.equal(transcript.includes(PASSWORD), false, 'the password appears in the server transcript');
    assert.equal(transcript.includes(Buffer.from(`${USER}:${PASSWORD}`).toString('base64')), false, 'the Basic header appears in the server transcript');
    assert.equal(client.process.spawnargs.join(' ').includes(PASSWORD), false);
  });
});
