import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiBaseUrl, endpointMatchesDomain, isDigestReference, parseEcrHost, registryHostForReference, resolveTestImage } from '../../server/src/registry/endpoints';
import { guessProvider } from '../../server/src/registry/providers/catalog';
import { ecrApiUrl } from '../../server/src/registry/providers/ecr';
import type { ConnectionSettings } from '../../server/src/registry/types';

const DIGEST = `sha256:${'c'.repeat(64)}`;

void test('registryHostForReference folds Docker Hub aliases and lower-cases', () => {
  assert.equal(registryHostForReference('docker.io'), 'docker.io');
  assert.equal(registryHostForReference('index.docker.io'), 'docker.io');
  assert.equal(registryHostForReference('Index.Docker.IO'), 'docker.io');
  assert.equal(registryHostForReference('https://index.docker.io/v1/'), 'docker.io');
  assert.equal(registryHostForReference('GHCR.io'), 'ghcr.io');
  assert.equal(registryHostForReference('127.0.0.1:5000'), '127.0.0.1:5000');
  // registry-1.docker.io is not a reference alias (Docker treats it as another registry).
  assert.equal(registryHostForReference('registry-1.docker.io'), 'registry-1.docker.io');
});

void test('endpointMatchesDomain', () => {
  assert.ok(endpointMatchesDomain('index.docker.io', 'docker.io'));
  assert.ok(endpointMatchesDomain('docker.io', 'index.docker.io'));
  assert.ok(endpointMatchesDomain('registry-1.docker.io', 'docker.io'), 'a vendor who typed the API host still means Docker Hub');
  assert.ok(endpointMatchesDomain('GHCR.IO', 'ghcr.io'));
  assert.ok(endpointMatchesDomain('https://quay.io/', 'quay.io'));
  assert.ok(!endpointMatchesDomain('ghcr.io', 'docker.io'));
  assert.ok(!endpointMatchesDomain('127.0.0.1:5000', '127.0.0.1:5001'));
  assert.ok(!endpointMatchesDomain('127.0.0.1:5000', '127.0.0.1'));
});

void test('apiBaseUrl', () => {
  const c = (endpoint: string, extra: Partial<ConnectionSettings> = {}): ConnectionSettings => ({ provider: 'other', endpoint, ...extra });
  assert.equal(apiBaseUrl(c('docker.io')), 'https://registry-1.docker.io');
  assert.equal(apiBaseUrl(c('index.docker.io')), 'https://registry-1.docker.io');
  assert.equal(apiBaseUrl(c('ghcr.io')), 'https://ghcr.io');
  assert.equal(apiBaseUrl(c('Registry.Example.com:8443')), 'https://registry.example.com:8443');
  assert.equal(apiBaseUrl(c('127.0.0.1:5000', { plainHttp: true })), 'http://127.0.0.1:5000');
  assert.equal(apiBaseUrl(c('https://quay.io/some/path')), 'https://quay.io');
});

void test('guessProvider from host patterns', () => {
  const cases: Array<[string, string]> = [
    ['docker.io', 'dockerhub'],
    ['index.docker.io', 'dockerhub'],
    ['registry-1.docker.io', 'dockerhub'],
    ['123456789012.dkr.ecr.us-east-1.amazonaws.com', 'ecr'],
    ['123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn', 'ecr'],
    ['123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com', 'ecr'],
    ['123456789012.dkr-ecr.eu-west-1.on.aws', 'ecr'],
    ['us-docker.pkg.dev', 'gar'],
    ['europe-west1-docker.pkg.dev', 'gar'],
    ['gcr.io', 'gcr'],
    ['eu.gcr.io', 'gcr'],
    ['ghcr.io', 'ghcr'],
    ['quay.io', 'quay'],
    ['registry.example.com:5000', 'other'],
    ['1234.dkr.ecr.us-east-1.amazonaws.com', 'other'],
    ['123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.example', 'other'],
  ];
  for (const [host, provider] of cases) assert.equal(guessProvider(host), provider, host);
});

void test('parseEcrHost and the ECR API endpoint of each partition', () => {
  assert.deepEqual(parseEcrHost('123456789012.dkr.ecr.us-east-1.amazonaws.com'), { accountId: '123456789012', region: 'us-east-1', fips: false, dnsSuffix: 'amazonaws.com' });
  const china = parseEcrHost('210987654321.dkr.ecr.cn-northwest-1.amazonaws.com.cn');
  assert.deepEqual(china, { accountId: '210987654321', region: 'cn-northwest-1', fips: false, dnsSuffix: 'amazonaws.com.cn' });
  const fips = parseEcrHost('123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com');
  assert.equal(fips?.fips, true);
  assert.equal(fips?.region, 'us-gov-west-1');
  const dualStack = parseEcrHost('123456789012.dkr-ecr.ap-southeast-2.on.aws');
  assert.equal(dualStack?.region, 'ap-southeast-2');
  assert.equal(parseEcrHost('ghcr.io'), undefined);
  assert.ok(china && fips && dualStack);
  assert.equal(ecrApiUrl(china), 'https://api.ecr.cn-northwest-1.amazonaws.com.cn/');
  assert.equal(ecrApiUrl(fips), 'https://ecr-fips.us-gov-west-1.amazonaws.com/');
  assert.equal(ecrApiUrl(dualStack), 'https://api.ecr.ap-southeast-2.amazonaws.com/');
});

void test('isDigestReference', () => {
  assert.ok(isDigestReference(DIGEST));
  assert.ok(!isDigestReference('v1.2.3'));
  assert.ok(!isDigestReference('latest'));
});

void test('resolveTestImage: relative to the registry', () => {
  const ghcr: ConnectionSettings = { provider: 'ghcr', endpoint: 'ghcr.io' };
  assert.deepEqual(resolveTestImage(ghcr, 'my-company/my-image:v1.2.34'), { repository: 'my-company/my-image', reference: 'v1.2.34' });
  assert.deepEqual(resolveTestImage(ghcr, 'my-company/my-image'), { repository: 'my-company/my-image', reference: 'latest' });
  assert.deepEqual(resolveTestImage(ghcr, `my-company/my-image:v1@${DIGEST}`), { repository: 'my-company/my-image', reference: DIGEST });
  const hub: ConnectionSettings = { provider: 'dockerhub', endpoint: 'index.docker.io' };
  assert.deepEqual(resolveTestImage(hub, 'nginx:1.27'), { repository: 'library/nginx', reference: '1.27' });
  assert.deepEqual(resolveTestImage(hub, 'acme/app'), { repository: 'acme/app', reference: 'latest' });
});

void test('resolveTestImage: a full reference on the same host', () => {
  const local: ConnectionSettings = { provider: 'other', endpoint: '127.0.0.1:5000', plainHttp: true };
  assert.deepEqual(resolveTestImage(local, '127.0.0.1:5000/acme/app:1.0'), { repository: 'acme/app', reference: '1.0' });
  const hub: ConnectionSettings = { provider: 'dockerhub', endpoint: 'docker.io' };
  assert.deepEqual(resolveTestImage(hub, 'docker.io/library/nginx'), { repository: 'library/nginx', reference: 'latest' });
  assert.deepEqual(resolveTestImage(hub, 'index.docker.io/nginx:1'), { repository: 'library/nginx', reference: '1' });
});

void test('resolveTestImage: errors say what is wrong and what to give instead', () => {
  const quay: ConnectionSettings = { provider: 'quay', endpoint: 'quay.io' };
  const otherHost = resolveTestImage(quay, 'ghcr.io/acme/app:1');
  assert.ok('error' in otherHost);
  assert.match(otherHost.error, /is on ghcr\.io, but this registry is quay\.io/);
  const invalid = resolveTestImage(quay, 'Acme/App:1');
  assert.ok('error' in invalid);
  assert.match(invalid.error, /not a valid reference/);
  const empty = resolveTestImage(quay, '  ');
  assert.ok('error' in empty);
  assert.match(empty.error, /No image given/);
});
