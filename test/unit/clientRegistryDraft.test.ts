/**
 * The wizard's draft (client/src/flows/registryDraft.ts) and the view's status (model/registryStatus.ts):
 * which steps each provider shows, that a test uses exactly the login the draft would save (the edited
 * username with the kept secret — never the stored username — and never a secret saved for another
 * host), the edit form's lines, and that a registry's status is its health, not an image's verdict.
 * Provider facts come from the real catalog, as the server sends it.
 * Run: node --import tsx --test test/unit/clientRegistryDraft.test.ts
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addSteps, credentialSteps, draftFromEntry, draftLogin, editFormLines, entryFromDraft, type RegistryDraft } from '../../client/src/flows/registryDraft';
import { healthLine, registryStatus } from '../../client/src/model/registryStatus';
import type { RegistryHealth, RegistryState } from '../../server/src/protocol/registryRequests';
import { PROVIDER_CATALOG } from '../../server/src/registry/providers/catalog';
import type { Provider, RegistryEntry } from '../../server/src/registry/types';

const record = (provider: Provider) => PROVIDER_CATALOG[provider];
const lab: RegistryEntry = { slug: 'lab', provider: 'other', endpoint: 'registry.lab.example:5000', authType: 'password', username: 'old-user' };

void describe('the add wizard steps', () => {
  void it('asks every step before the provider is known', () => {
    assert.deepEqual(addSteps(undefined, undefined, new Set()), ['provider', 'endpoint', 'name', 'auth', 'username', 'secret', 'connection', 'test']);
  });
  void it('skips fixed endpoints, fixed usernames and single auth types per provider', () => {
    const counts = Object.fromEntries((['dockerhub', 'ecr', 'gar', 'gcr', 'ghcr', 'quay', 'other'] as const).map((provider) => [provider, addSteps(record(provider), undefined, new Set()).join(',')]));
    assert.deepEqual(counts, {
      dockerhub: 'provider,name,auth,username,secret,test',
      ecr: 'provider,endpoint,name,username,secret,test',
      gar: 'provider,endpoint,name,auth,secret,test',
      gcr: 'provider,endpoint,name,secret,test',
      ghcr: 'provider,name,username,secret,test',
      quay: 'provider,name,username,secret,test',
      other: 'provider,endpoint,name,auth,username,secret,connection,test',
    });
  });
  void it('starts at the name when a quick fix prefilled provider and endpoint; re-entering asks only the login', () => {
    assert.deepEqual(addSteps(record('other'), undefined, new Set(['provider', 'endpoint'] as const)), ['name', 'auth', 'username', 'secret', 'connection', 'test']);
    assert.deepEqual(credentialSteps(record('other'), 'password'), ['username', 'secret', 'test']);
    assert.deepEqual(credentialSteps(record('gcr'), 'serviceaccount'), ['secret', 'test']);
    assert.deepEqual(credentialSteps(record('gar'), 'token'), ['secret', 'test']);
  });
});

void describe('the login a test uses is the one the draft saves', () => {
  const saved = { endpoint: 'registry.lab.example:5000', username: 'old-user', secret: 'saved-secret' };
  void it('an edited username goes with the kept secret (not the stored username)', () => {
    const draft: RegistryDraft = { ...draftFromEntry(lab), username: 'new-user' };
    assert.deepEqual(draftLogin(draft, record('other'), saved), { username: 'new-user', secret: 'saved-secret' });
  });
  void it('a typed secret wins; a fixed username is the provider\'s', () => {
    assert.deepEqual(draftLogin({ ...draftFromEntry(lab), secret: 'typed' }, record('other'), saved), { username: 'old-user', secret: 'typed' });
    assert.deepEqual(draftLogin({ provider: 'gar', endpoint: 'us-docker.pkg.dev', authType: 'token', secret: 't0ken' }, record('gar'), undefined), { username: 'oauth2accesstoken', secret: 't0ken' });
  });
  void it('a secret saved for one host is never used for another: the test goes anonymous', () => {
    const moved: RegistryDraft = { ...draftFromEntry(lab), endpoint: 'other-host.example:5000' };
    assert.equal(draftLogin(moved, record('other'), saved), null);
    assert.deepEqual(draftLogin({ ...draftFromEntry(lab), endpoint: 'Registry.Lab.Example:5000' }, record('other'), saved), { username: 'old-user', secret: 'saved-secret' });
  });
  void it('the entry keeps only what the file holds, and connection options only where the provider has them', () => {
    assert.deepEqual(entryFromDraft({ ...draftFromEntry(lab), plainHttp: true, secret: 'x' }, record('other')), { ...lab, plainHttp: true });
    assert.deepEqual(entryFromDraft({ provider: 'ghcr', slug: 'g', username: 'u', plainHttp: true }, record('ghcr')), { slug: 'g', provider: 'ghcr', endpoint: 'ghcr.io', authType: 'token', username: 'u' });
  });
});

void describe('the edit form', () => {
  void it('lists every field the provider lets one change with its current value, then Test and Save, Save', () => {
    const lines = editFormLines(draftFromEntry(lab), record('other'), { endpoint: lab.endpoint, username: 'old-user', secret: 's' }, false);
    assert.deepEqual(lines.map((line) => `${line.id}=${line.description}`), [
      'name=lab',
      'endpoint=registry.lab.example:5000',
      'auth=Username and password',
      'username=old-user',
      'secret=saved in your OS keychain',
      'connection=none (HTTPS, certificate verified)',
      'testAndSave=test an image, then save',
      'save=nothing changed yet',
    ]);
    const ghcr = editFormLines({ provider: 'ghcr', slug: 'g', authType: 'token', username: 'u', endpoint: 'ghcr.io' }, record('ghcr'), undefined, true).map((line) => line.id);
    assert.deepEqual(ghcr, ['name', 'username', 'secret', 'testAndSave', 'save']);
  });
  void it('says the secret must be entered again when the host changed', () => {
    const lines = editFormLines({ ...draftFromEntry(lab), endpoint: 'elsewhere.example' }, record('other'), { endpoint: lab.endpoint, username: 'old-user', secret: 's' }, true);
    assert.match(lines.find((line) => line.id === 'secret')?.description ?? '', /enter it again: the saved one was given for registry\.lab\.example:5000/);
  });
});

void describe("a registry's status is its health, never an image's verdict", () => {
  const state = (overrides: Partial<RegistryState> = {}): RegistryState => ({ ...lab, source: 'workspace', credentials: { state: 'found', origin: 'secret-storage' }, ...overrides });
  const health = (overrides: Partial<RegistryHealth>): RegistryHealth => ({ state: 'ok', anonymous: false, verdict: 'ok', message: 'x answers and accepts the login.', image: 'x/a:1', checkedAt: '2026-01-01T00:00:00Z', by: 'test', ...overrides });
  void it('a missing tag (background or tested) leaves the registry ok', () => {
    assert.equal(registryStatus(state(), health({ verdict: 'tag-not-found', by: 'background' })), 'ok');
    assert.match(healthLine(health({ verdict: 'tag-not-found', by: 'background' })), /^Answers and accepts the login \(a background check/);
  });
  void it('a rejected login or an unreachable registry fails it; untested is untested', () => {
    assert.equal(registryStatus(state(), health({ state: 'login-failed', verdict: 'unauthorized' })), 'failed');
    assert.equal(registryStatus(state(), health({ state: 'unreachable', verdict: 'tls-untrusted' })), 'failed');
    assert.equal(registryStatus(state(), undefined), 'untested');
  });
  void it('Restricted Mode says checks are off, not that credentials are missing; an entry error says so', () => {
    assert.equal(registryStatus(state({ credentials: { state: 'not-asked', reason: 'Restricted Mode' } }), undefined), 'checks-off');
    assert.equal(registryStatus(state({ credentials: { state: 'none' } }), undefined), 'no-credentials');
    assert.equal(registryStatus(state({ credentials: { state: 'withheld', reason: 'bound to another host' } }), undefined), 'no-credentials');
    assert.equal(registryStatus(state({ problem: 'line 3: bad endpoint' }), undefined), 'entry-error');
  });
});
