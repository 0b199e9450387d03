// SigV4 against AWS's published examples: the IAM ListUsers example from the "Signature Version 4
// signing process" documentation and cases of the AWS SigV4 test suite (credentials AKIDEXAMPLE,
// 2015-08-30T12:36:00Z, us-east-1). The expected values are AWS's, not computed here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deriveSigningKey, sha256Hex, signRequest, verifySignedRequest, amzDate, uriEncode } from '../../server/src/registry/sigv4';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const now = Date.UTC(2015, 7, 30, 12, 36, 0);

void test('IAM ListUsers example: canonical request hash, signing key, signature and header', () => {
  const signed = signRequest(
    {
      method: 'GET',
      url: 'https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: '',
    },
    credentials,
    { region: 'us-east-1', service: 'iam', now },
  );
  assert.equal(
    signed.canonicalRequest,
    [
      'GET',
      '/',
      'Action=ListUsers&Version=2010-05-08',
      'content-type:application/x-www-form-urlencoded; charset=utf-8',
      'host:iam.amazonaws.com',
      'x-amz-date:20150830T123600Z',
      '',
      'content-type;host;x-amz-date',
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    ].join('\n'),
  );
  assert.equal(sha256Hex(signed.canonicalRequest), 'f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59');
  assert.equal(
    signed.stringToSign,
    'AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\nf536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59',
  );
  assert.equal(deriveSigningKey(credentials.secretAccessKey, '20150830', 'us-east-1', 'iam').toString('hex'), 'c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9');
  assert.equal(signed.signature, '5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7');
  assert.equal(
    signed.authorization,
    'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7',
  );
  assert.equal(signed.headers['x-amz-date'], '20150830T123600Z');
  assert.equal(signed.headers['host'], 'iam.amazonaws.com');
});

// AWS SigV4 test suite cases (service "service", host example.amazonaws.com).
const suite: { name: string; method: string; url: string; headers: Record<string, string>; body: string; signedHeaders: string; signature: string; canonicalHash?: string }[] = [
  { name: 'get-vanilla', method: 'GET', url: 'https://example.amazonaws.com/', headers: {}, body: '', signedHeaders: 'host;x-amz-date', signature: '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31', canonicalHash: 'bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63' },
  { name: 'post-vanilla', method: 'POST', url: 'https://example.amazonaws.com/', headers: {}, body: '', signedHeaders: 'host;x-amz-date', signature: '5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b' },
  { name: 'get-vanilla-query-order-key-case', method: 'GET', url: 'https://example.amazonaws.com/?Param2=value2&Param1=value1', headers: {}, body: '', signedHeaders: 'host;x-amz-date', signature: 'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500' },
  { name: 'post-vanilla-query', method: 'POST', url: 'https://example.amazonaws.com/?Param1=value1', headers: {}, body: '', signedHeaders: 'host;x-amz-date', signature: '28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11' },
  { name: 'post-x-www-form-urlencoded', method: 'POST', url: 'https://example.amazonaws.com/', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'Param1=value1', signedHeaders: 'content-type;host;x-amz-date', signature: 'ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a' },
];

for (const c of suite) {
  void test(`AWS SigV4 test suite: ${c.name}`, () => {
    const signed = signRequest({ method: c.method, url: c.url, headers: c.headers, body: c.body }, credentials, { region: 'us-east-1', service: 'service', now });
    if (c.canonicalHash) assert.equal(sha256Hex(signed.canonicalRequest), c.canonicalHash);
    assert.equal(
      signed.authorization,
      `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=${c.signedHeaders}, Signature=${c.signature}`,
    );
  });
}

void test('header values are trimmed and inner whitespace folded before signing', () => {
  const a = signRequest({ method: 'GET', url: 'https://example.amazonaws.com/', headers: { 'My-Header1': '  value1   with  spaces ' }, body: '' }, credentials, { region: 'us-east-1', service: 'service', now });
  const b = signRequest({ method: 'GET', url: 'https://example.amazonaws.com/', headers: { 'my-header1': 'value1 with spaces' }, body: '' }, credentials, { region: 'us-east-1', service: 'service', now });
  assert.equal(a.signature, b.signature);
  assert.match(a.canonicalRequest, /\nmy-header1:value1 with spaces\n/);
});

void test('a session token is sent and signed', () => {
  const signed = signRequest({ method: 'POST', url: 'https://api.ecr.us-east-1.amazonaws.com/', headers: {}, body: '{}' }, { ...credentials, sessionToken: 'SESSION' }, { region: 'us-east-1', service: 'ecr', now });
  assert.equal(signed.headers['x-amz-security-token'], 'SESSION');
  assert.equal(signed.signedHeaders, 'host;x-amz-date;x-amz-security-token');
});

void test('amzDate and uriEncode follow the SigV4 formats', () => {
  assert.equal(amzDate(now), '20150830T123600Z');
  assert.equal(uriEncode("a b/c~d*e!'()"), 'a%20b%2Fc~d%2Ae%21%27%28%29');
});

void test('verifySignedRequest accepts what signRequest produced and rejects tampering', () => {
  const url = 'https://api.ecr.eu-west-1.amazonaws.com/';
  const signed = signRequest(
    { method: 'POST', url, headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken' }, body: '{}' },
    credentials,
    { region: 'eu-west-1', service: 'ecr', now },
  );
  const lookup = (id: string): string | undefined => (id === credentials.accessKeyId ? credentials.secretAccessKey : undefined);
  const good = verifySignedRequest({ method: 'POST', url, headers: signed.headers, body: '{}' }, lookup);
  assert.deepEqual(good, { ok: true, accessKeyId: 'AKIDEXAMPLE', region: 'eu-west-1', service: 'ecr' });
  assert.equal(verifySignedRequest({ method: 'POST', url, headers: signed.headers, body: '{"x":1}' }, lookup).reason, 'signature does not match');
  assert.equal(verifySignedRequest({ method: 'POST', url, headers: signed.headers, body: '{}' }, () => 'wrong-secret').reason, 'signature does not match');
  assert.equal(verifySignedRequest({ method: 'POST', url, headers: signed.headers, body: '{}' }, () => undefined).reason, 'unknown access key id');
  assert.equal(verifySignedRequest({ method: 'POST', url, headers: {}, body: '{}' }, lookup).reason, 'missing or malformed Authorization header');
});
