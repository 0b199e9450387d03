/**
 * The local rules keep what they work out per reference, per domain and per cause (rules/referenceFacts.ts,
 * store/placement.ts, findings/cause.ts) and the language server converts a document's findings with its
 * offset instead of a shifted copy (lsp/convert.ts). None of that may change a finding: the same files,
 * read with every memo hit and with every memo missed, give exactly the same findings and diagnostics.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { AnalysisEnvironment, Finding } from '../../server/src/findings/types';
import { causeOf, Causes } from '../../server/src/findings/cause';
import { findingToDiagnostic } from '../../server/src/lsp/convert';
import { shiftFinding } from '../../server/src/lsp/fileAnalysis';
import { findImagesInDocument, splitDocuments, type FileReading } from '../../server/src/manifests/findImages';
import { fileRoleOf } from '../../server/src/manifests/shapes';
import { parseImageReference, type ImageReference } from '../../server/src/reference/imageReference';
import { localFindings } from '../../server/src/rules/localRules';
import { factsOf } from '../../server/src/rules/referenceFacts';
import { finalizeFindings } from '../../server/src/rules/severity';
import { matchesPublicPattern, placeReference } from '../../server/src/store/placement';
import { parseRegistriesFile } from '../../server/src/store/registriesFile/parse';
import { emptyRegistriesConfig, type RegistriesConfig } from '../../server/src/store/types';
import { marked } from '../fixtures/carets';
import { CORPUS_REGISTRIES, generateCorpus } from '../fixtures/corpus';

function reference(text: string): ImageReference {
  const parsed = parseImageReference(text);
  assert.ok(parsed.ok, text);
  return parsed.reference;
}

function environment(config: RegistriesConfig): AnalysisEnvironment {
  return { config, offline: true, credentialsFor: () => Promise.resolve({}) };
}

/** The configurations the findings are compared under: none, the corpus's registries, public patterns with and without prefixes, custom domains. */
function configurations(): Array<() => RegistriesConfig> {
  return [
    () => emptyRegistriesConfig(),
    () => parseRegistriesFile(CORPUS_REGISTRIES, '.replicated-registries.yaml').config,
    () => ({
      ...emptyRegistriesConfig(),
      app: 'acme',
      public: ['docker.io/library', 'ghcr.io/acme', 'docker.io', 'https://quay.io/prometheus/', ''],
      customDomains: { proxy: ['images.acme.example'], registry: ['registry.acme.example'] },
    }),
  ];
}

/** A file's findings as the language server reads it: document by document, `file` shared by the documents (or not). */
function findingsByDocument(text: string, filePath: string, env: AnalysisEnvironment, file: () => FileReading): Finding[][] {
  return splitDocuments(text).map((range) => {
    const copy = text.slice(range.start, range.end);
    const scan = findImagesInDocument(copy, { start: 0, end: copy.length }, filePath, { proxyDomains: env.config.customDomains.proxy, ...file() });
    return finalizeFindings(copy, localFindings(copy, scan, env), env);
  });
}

void describe('memos of the local rules', () => {
  void it('give the same findings whether every memo hits or none does (a 300-file corpus, three configurations)', () => {
    const files: Array<{ path: string; text: string }> = generateCorpus(11, 300).filter((file) => /\.ya?ml$/.test(file.path));
    // References whose verdict depends on the configuration's custom domains (a proxy upstream that does not parse: 64 hex digits).
    const hex = 'a'.repeat(64);
    const custom = [`images.acme.example/proxy/acme/${hex}`, `proxy.replicated.com/proxy/acme/${hex}`, 'registry.acme.example/acme/api:1', 'images.acme.example/acme/api:1'];
    files.push({ path: 'custom-domains.yaml', text: ['apiVersion: v1', 'kind: Pod', 'spec:', '  containers:', ...custom.map((image) => `    - image: ${image}`), ''].join('\n') });
    let findings = 0;
    for (const file of files) {
      const text = marked(file.text).text;
      // One reading for every configuration: references (and what was worked out for them) carried from one configuration to the next.
      const reading: FileReading = { role: fileRoleOf(file.path), parsed: new Map() };
      for (const makeConfig of configurations()) {
        const shared = environment(makeConfig());
        // Memos filled: the references shared by the file's documents, read twice under one configuration.
        findingsByDocument(text, file.path, shared, () => reading);
        const warm = findingsByDocument(text, file.path, shared, () => reading);
        // Memos missed: fresh references for every document, a fresh configuration object.
        const cold = findingsByDocument(text, file.path, environment(makeConfig()), () => ({ role: fileRoleOf(file.path), parsed: new Map() }));
        assert.deepStrictEqual(warm, cold, file.path);
        findings += warm.flat().length;
      }
    }
    // Not vacuous: the corpus has findings of several rules under each configuration.
    assert.ok(findings > 500, `${findings} findings`);
  });

  void it('keep the same finding text and data for every image of one reference', () => {
    const text = ['apiVersion: v1', 'kind: Pod', 'spec:', '  containers:', '    - image: quay.io/acme/api:latest', '    - image: quay.io/acme/api:latest', ''].join('\n');
    const env = environment(emptyRegistriesConfig());
    const [first] = findingsByDocument(text, 'pod.yaml', env, () => ({ role: 'manifest', parsed: new Map() }));
    const notConnected = (first ?? []).filter((finding) => finding.code === 'registry-not-connected');
    const latest = (first ?? []).filter((finding) => finding.code === 'tag-latest');
    assert.equal(notConnected.length, 2);
    assert.equal(latest.length, 2);
    assert.notEqual(notConnected[0]?.start, notConnected[1]?.start);
    assert.equal(notConnected[0]?.data, notConnected[1]?.data);
    assert.equal(latest[0]?.data, latest[1]?.data);
    assert.equal(latest[0]?.message, '"quay.io/acme/api:latest" moves between releases; use a version tag or pin a digest');
  });

  void it('keep nothing that leads back to the reference they are kept for (a WeakMap value must not hold its key)', () => {
    // Young-generation collections treat a WeakMap's values as live: a value reaching its key kept every
    // reference, and the file text its strings are slices of, alive until a full collection (referenceFacts.ts).
    const env = environment({ ...emptyRegistriesConfig(), customDomains: { proxy: ['proxy.acme.test'], registry: [] } });
    const text = ['apiVersion: v1', 'kind: Pod', 'spec:', '  containers:', '    - image: registry.acme.test/apps/api:latest', ''].join('\n');
    const scan = findImagesInDocument(text, { start: 0, end: text.length }, 'pod.yaml', { proxyDomains: env.config.customDomains.proxy, role: 'manifest', parsed: new Map() });
    const findings = localFindings(text, scan, env);
    assert.deepEqual(findings.map((finding) => finding.code).sort(), ['registry-not-connected', 'tag-latest']);
    const ref = scan.images[0]?.reference;
    assert.ok(ref);
    const facts = factsOf(ref);
    assert.deepEqual(Object.keys(facts).sort(), ['latestMessage', 'notConnected', 'tagData', 'upstream']);
    const seen = new Set<unknown>();
    const reaches = (value: unknown): boolean => {
      if (value === ref) return true;
      if (value === null || typeof value !== 'object' || seen.has(value)) return false;
      seen.add(value);
      return Object.values(value).some(reaches);
    };
    assert.equal(reaches(facts), false);
  });
});

void describe('finalizeFindings', () => {
  void it('returns findings in place order, then by code: findings added out of order are sorted, ties kept in the order given', () => {
    const env = environment(emptyRegistriesConfig());
    const finding = (start: number, end: number, code: Finding['code'], message: string): Finding => ({ code, severity: 'warning', message, start, end, reference: 'x' });
    const given = [finding(5, 9, 'tag-latest', 'a'), finding(1, 4, 'tag-missing', 'b'), finding(5, 9, 'registry-not-connected', 'c'), finding(5, 9, 'tag-latest', 'd'), finding(1, 3, 'tag-latest', 'e')];
    assert.deepEqual(finalizeFindings('text', given, env).map((f) => f.message), ['e', 'b', 'c', 'a', 'd']);
    const inOrder = [finding(1, 3, 'tag-latest', 'e'), finding(1, 4, 'tag-missing', 'b'), finding(5, 9, 'registry-not-connected', 'c'), finding(5, 9, 'tag-latest', 'a'), finding(5, 9, 'tag-latest', 'd')];
    assert.deepEqual(finalizeFindings('text', inOrder, env).map((f) => f.message), ['e', 'b', 'c', 'a', 'd']);
  });
});

void describe('placement per domain', () => {
  void it('decides public patterns with a repository prefix by path, in the file\'s order', () => {
    const config: RegistriesConfig = { ...emptyRegistriesConfig(), public: ['docker.io/library', 'ghcr.io/acme', 'docker.io'] };
    assert.deepEqual(placeReference(reference('nginx:1'), config), { kind: 'public-listed', pattern: 'docker.io/library' });
    assert.deepEqual(placeReference(reference('acme/app:1'), config), { kind: 'public-listed', pattern: 'docker.io' });
    assert.deepEqual(placeReference(reference('ghcr.io/acme/api:1'), config), { kind: 'public-listed', pattern: 'ghcr.io/acme' });
    assert.deepEqual(placeReference(reference('ghcr.io/acme'), config), { kind: 'public-listed', pattern: 'ghcr.io/acme' });
    assert.deepEqual(placeReference(reference('ghcr.io/acmeco/api:1'), config), { kind: 'unknown' });
    assert.deepEqual(placeReference(reference('ghcr.io/other/api:1'), config), { kind: 'unknown' });
    assert.equal(matchesPublicPattern(reference('ghcr.io/acme/api:1'), 'https://ghcr.io/acme/'), true);
    assert.equal(matchesPublicPattern(reference('ghcr.io/acme/api:1'), '  '), false);
  });

  void it('follows a configuration edited in place', () => {
    const config = emptyRegistriesConfig();
    const quay = reference('quay.io/acme/api:1');
    assert.equal(placeReference(quay, config).kind, 'unknown');
    config.public.push('quay.io');
    assert.deepEqual(placeReference(quay, config), { kind: 'public-listed', pattern: 'quay.io' });
    config.registries.push({ slug: 'acme-quay', provider: 'quay', endpoint: 'quay.io', authType: 'password', username: 'bot' });
    assert.equal(placeReference(quay, config).kind, 'connected');
  });
});

void describe('causes', () => {
  void it('name a not-connected registry by its domain and other problems by what they say, kept or not', () => {
    const finding: Finding = { code: 'registry-not-connected', severity: 'info', message: 'a', start: 0, end: 1, reference: 'quay.io/a', data: { domain: 'quay.io' } };
    const cases: Array<[Finding, string]> = [
      [finding, 'registry-not-connected\u0000quay.io'],
      [{ ...finding, message: 'b' }, 'registry-not-connected\u0000quay.io'],
      [{ ...finding, data: undefined }, 'registry-not-connected\u0000a'],
      [{ ...finding, code: 'tag-latest', message: 'quay.io' }, 'tag-latest\u0000quay.io'],
      [{ ...finding, code: 'tag-missing', message: 'quay.io' }, 'tag-missing\u0000quay.io'],
      [{ ...finding, code: 'credentials-missing', data: { registrySlug: 'acme' } }, 'credentials-missing\u0000acme'],
      [{ ...finding, code: 'credentials-missing', data: { domain: 'acme' } }, 'credentials-missing\u0000a'],
    ];
    // A bound of 3 kept causes: the kept strings are dropped along the way, the answers stay the same.
    const kept = new Causes(3);
    for (let round = 0; round < 3; round++) {
      for (const [input, cause] of cases) {
        assert.equal(causeOf(input), cause);
        assert.equal(kept.of(input), cause);
      }
    }
  });
});

void describe('conversion with a document offset', () => {
  void it('is the conversion of the shifted finding, related places in the same file moved too', () => {
    const text = 'line one\nimage: quay.io/acme/api:latest\nvalues: x\n';
    const document = TextDocument.create('file:///w/a.yaml', 'yaml', 1, text);
    const other = TextDocument.create('file:///w/values.yaml', 'yaml', 1, 'image:\n  tag: latest\n');
    const related = (file: string): TextDocument | undefined => (file === '/w/a.yaml' ? document : file === '/w/values.yaml' ? other : undefined);
    const finding: Finding = {
      code: 'tag-latest',
      severity: 'warning',
      message: 'm',
      start: 7,
      end: 30,
      reference: 'quay.io/acme/api:latest',
      related: [
        { file: '/w/a.yaml', start: 1, end: 4, message: 'here' },
        { file: '/w/values.yaml', start: 9, end: 12, message: 'there' },
      ],
    };
    const delta = 9;
    assert.deepStrictEqual(findingToDiagnostic(finding, document, related, { file: '/w/a.yaml', delta }), findingToDiagnostic(shiftFinding(finding, '/w/a.yaml', delta), document, related));
    assert.deepStrictEqual(findingToDiagnostic(finding, document, related, { file: '/w/a.yaml', delta: 0 }), findingToDiagnostic(finding, document, related));
  });
});
