/**
 * The extension's vendor-portal pieces that need no `vscode` (client/src/portal/portalFormat.ts):
 * where the API origin comes from, what SecretStorage holds and how it is read back, the pull-log table and the test verdict sentences.
 * Run: node --import tsx --test test/unit/clientPortal.test.ts
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  chooseApiOrigin,
  DEFAULT_VENDOR_API_ORIGIN,
  formatPullLogTable,
  parsePortalConnection,
  portalTestSentence,
  pullLogPickItem,
  serializePortalConnection,
  validateApiOrigin,
  validateApiToken,
  validateAppSlug,
} from '../../client/src/portal/portalFormat';
import { DEFAULT_API_ORIGIN } from '../../server/src/store/portal/vendorApiClient';
import { verdictFromPortalStatus } from '../../server/src/store/portal/portalStore';


void describe('chooseApiOrigin', () => {
  void it('keeps the client default equal to the engine default', () => {
    assert.equal(DEFAULT_VENDOR_API_ORIGIN, DEFAULT_API_ORIGIN);
  });
  void it('prefers the setting, then REPLICATED_API_ORIGIN, else asks', () => {
    assert.deepEqual(chooseApiOrigin('http://127.0.0.1:4000/vendor/', 'https://env.example'), { origin: 'http://127.0.0.1:4000/vendor', source: 'setting' });
    assert.deepEqual(chooseApiOrigin('  ', 'https://env.example/'), { origin: 'https://env.example', source: 'environment' });
    assert.deepEqual(chooseApiOrigin(undefined, undefined), { source: 'ask' });
    assert.deepEqual(chooseApiOrigin('', ''), { source: 'ask' });
  });
});

void describe('input validation', () => {
  void it('accepts http(s) origins and explains what is wrong with others', () => {
    assert.equal(validateApiOrigin('https://api.replicated.com/vendor'), undefined);
    assert.equal(validateApiOrigin('http://127.0.0.1:3000'), undefined);
    assert.match(validateApiOrigin('') ?? '', /Enter the Vendor API origin/);
    assert.match(validateApiOrigin('api.replicated.com') ?? '', /not a URL/);
    assert.match(validateApiOrigin('ftp://x.example') ?? '', /https/);
    assert.match(validateApiOrigin('https://user:pw@x.example') ?? '', /credentials out of the URL/);
    assert.match(validateApiOrigin('https://x.example/?a=1') ?? '', /query/);
  });
  void it('rejects empty tokens, a Bearer prefix and whitespace inside', () => {
    assert.equal(validateApiToken('abc123'), undefined);
    assert.match(validateApiToken('') ?? '', /vendor portal/);
    assert.match(validateApiToken('Bearer abc') ?? '', /without "Bearer "/);
    assert.match(validateApiToken('ab c') ?? '', /no spaces/);
  });
  void it('treats the app slug as optional', () => {
    assert.equal(validateAppSlug(''), undefined);
    assert.equal(validateAppSlug('my-app'), undefined);
    assert.match(validateAppSlug('My App') ?? '', /lowercase/);
  });
});

void describe('the stored connection', () => {
  void it('round-trips token, origin and app', () => {
    const raw = serializePortalConnection({ token: 'tok-1', origin: 'http://127.0.0.1:9/vendor/', app: 'my-app' });
    assert.deepEqual(parsePortalConnection(raw), { token: 'tok-1', origin: 'http://127.0.0.1:9/vendor', app: 'my-app' });
    assert.deepEqual(parsePortalConnection(serializePortalConnection({ token: 'tok-2', origin: DEFAULT_VENDOR_API_ORIGIN })), { token: 'tok-2', origin: DEFAULT_VENDOR_API_ORIGIN });
  });
  void it('reads anything malformed as "not connected"', () => {
    for (const raw of [undefined, '', 'not json', 'null', '[]', '{"token":"","origin":"https://x.example"}', '{"token":"t"}', '{"token":"t","origin":"file:///etc"}', '{"token":1,"origin":"https://x.example"}']) {
      assert.equal(parsePortalConnection(raw), undefined, String(raw));
    }
  });
});

void describe('pull logs', () => {
  const logs = [
    { createdAt: '2026-11-29T07:00:00Z', action: 'test', statusCode: 200, isSuccess: true, image: 'acme/app:1.0' },
    { createdAt: '2026-11-29T07:01:00Z', action: 'test', statusCode: 404, isSuccess: false, image: 'acme/app:missing' },
    { createdAt: '2026-11-29T07:02:00Z', action: 'validate', statusCode: null, isSuccess: false, image: null },
  ];
  void it('prints the CREATED AT / ACTION / STATUS / SUCCESS / IMAGE table with aligned columns', () => {
    const lines = formatPullLogTable(logs);
    assert.equal(lines.length, 4);
    assert.match(lines[0] ?? '', /^CREATED AT\s+ACTION\s+STATUS\s+SUCCESS\s+IMAGE$/);
    assert.match(lines[2] ?? '', /^2026-11-29T07:01:00Z\s+test\s+404\s+false\s+acme\/app:missing$/);
    assert.match(lines[3] ?? '', /validate\s+-\s+false\s+-$/);
    const imageColumn = (lines[0] ?? '').indexOf('IMAGE');
    assert.equal((lines[1] ?? '').indexOf('acme/app:1.0'), imageColumn);
  });
  void it('shows only the header when there are none', () => {
    assert.deepEqual(formatPullLogTable([]), ['CREATED AT  ACTION  STATUS  SUCCESS  IMAGE']);
  });
  void it('makes a QuickPick row with every column', () => {
    const item = pullLogPickItem(logs[1]!);
    assert.match(item.label, /error.*acme\/app:missing/);
    assert.equal(item.description, 'test · HTTP 404');
    assert.match(item.detail, /CREATED AT 2026-11-29T07:01:00Z · ACTION test · STATUS 404 · SUCCESS false/);
  });
});

void describe('portalTestSentence', () => {
  void it('explains 200, 404 (MANIFEST_UNKNOWN: credentials fine) and other statuses differently', () => {
    const ok = portalTestSentence('acme', verdictFromPortalStatus(200, 'r.example/acme/app:1', 5));
    assert.match(ok, /^Vendor portal test passed for "acme" \(HTTP 200\)/);
    const missing = portalTestSentence('acme', verdictFromPortalStatus(404, 'r.example/acme/app:nope', 5));
    assert.match(missing, /404 MANIFEST_UNKNOWN — the credentials are fine, but r\.example\/acme\/app:nope is missing or not pullable with them/);
    const rejected = portalTestSentence('acme', verdictFromPortalStatus(401, 'r.example/acme/app:1', 5));
    assert.match(rejected, /^Vendor portal test failed for "acme" \(HTTP 401\): The registry rejected the credentials/);
    assert.doesNotMatch(rejected, /MANIFEST_UNKNOWN/);
    const broken = portalTestSentence('acme', verdictFromPortalStatus(502, 'r.example/acme/app:1', 5));
    assert.match(broken, /HTTP 502/);
  });
});
