/**
 * The `yaml-syntax` rule as a finding like the others: catalog entry, message (the parser's words plus
 * what to do), levels from settings and the registries file, disable comments, and the language
 * server's per-document path (findImagesInDocument then localFindings on the same text).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { analyzeFile, finalizeFindings, findImagesInDocument, localFindings, RULES } from '../../server/src/analysis/index';
import { RULE_CODES, type Finding } from '../../server/src/findings/types';
import type { ReleaseEnvironment } from '../../server/src/release/release';
import { emptyRegistriesConfig } from '../../server/src/store/types';
import { marked } from '../fixtures/carets';

const ROOT = path.resolve(import.meta.dirname, '../..');

function environment(overrides: Partial<ReleaseEnvironment> = {}): ReleaseEnvironment {
  return { config: { ...emptyRegistriesConfig(), app: 'acme' }, offline: true, credentialsFor: () => Promise.resolve({}), ...overrides };
}

async function syntaxFindings(text: string, env = environment(), filePath = 'deploy.yaml'): Promise<Finding[]> {
  return (await analyzeFile({ text, path: filePath }, env)).filter((finding) => finding.code === 'yaml-syntax');
}

const BROKEN = 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: web\n      image: ^^"nginx:1.27^^\n';

void describe('rule yaml-syntax', () => {
  void it('is in the catalog (error by default), the registries schema and the settings enum', () => {
    assert.ok(RULE_CODES.includes('yaml-syntax'));
    assert.equal(RULES['yaml-syntax'].defaultSeverity, 'error');
    assert.match(RULES['yaml-syntax'].help, /templates/);
    const schema = JSON.parse(readFileSync(path.join(ROOT, 'schemas/registries.schema.json'), 'utf8')) as { properties: { rules: { properties: Record<string, unknown> } } };
    assert.ok(schema.properties.rules.properties['yaml-syntax']);
    const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { contributes: { configuration: Array<{ properties: Record<string, { properties?: Record<string, unknown> }> }> | { properties: Record<string, { properties?: Record<string, unknown> }> } } };
    const sections = Array.isArray(manifest.contributes.configuration) ? manifest.contributes.configuration : [manifest.contributes.configuration];
    const setting = sections.map((section) => section.properties['replicated-registries.rules']).find((value) => value !== undefined);
    assert.ok(setting?.properties?.['yaml-syntax']);
  });

  void it('reports the exact range, the parser message and what to do next', async () => {
    const { text, ranges } = marked(BROKEN);
    const findings = await syntaxFindings(text);
    assert.deepEqual(findings.map((finding) => [finding.start, finding.end, finding.severity]), ranges.map((range) => [range.start, range.end, 'error']));
    assert.match(findings[0]?.message ?? '', /^YAML syntax error: Missing closing "quote\. Add the missing closing character/);
  });

  void it('is re-levelled by config.rules and by settings (settings win), and can be turned off', async () => {
    const { text } = marked(BROKEN);
    assert.equal((await syntaxFindings(text, environment({ config: { ...emptyRegistriesConfig(), rules: { 'yaml-syntax': 'warning' } } })))[0]?.severity, 'warning');
    const both = environment({ config: { ...emptyRegistriesConfig(), rules: { 'yaml-syntax': 'warning' } }, severityOverrides: { 'yaml-syntax': 'info' } });
    assert.equal((await syntaxFindings(text, both))[0]?.severity, 'info');
    assert.deepEqual(await syntaxFindings(text, environment({ severityOverrides: { 'yaml-syntax': 'off' } })), []);
  });

  void it('is silenced by `# replicated-registries-disable-next-line yaml-syntax`, not by another code', async () => {
    const silenced = 'metadata:\n  # replicated-registries-disable-next-line yaml-syntax\n  name: "web\n';
    assert.deepEqual(await syntaxFindings(silenced), []);
    const other = 'metadata:\n  # replicated-registries-disable-next-line tag-latest\n  name: "web\n';
    assert.equal((await syntaxFindings(other)).length, 1);
  });

  void it('never fires on Helm chart templates, even with a broken line', async () => {
    assert.deepEqual(await syntaxFindings('{{- if .Values.x }}\nmetadata:\n  name: "web\n{{- end }}\n', environment(), 'chart/templates/pod.yaml'), []);
  });

  void it('the language server path (one document, then the local rules on the same text) reports it too', () => {
    const { text, ranges } = marked(BROKEN);
    const env = environment();
    const scan = findImagesInDocument(text, { start: 0, end: text.length }, 'deploy.yaml', { proxyDomains: [] });
    const findings = finalizeFindings(text, localFindings(text, scan, env), env).filter((finding) => finding.code === 'yaml-syntax');
    assert.deepEqual(findings.map((finding) => [finding.start, finding.end]), ranges.map((range) => [range.start, range.end]));
  });

  void it('valid files get none, and their other findings are unchanged', async () => {
    const findings = await analyzeFile({ text: 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: nginx:latest\n', path: 'pod.yaml' }, environment({ config: { ...emptyRegistriesConfig(), public: ['docker.io/library'] } }));
    assert.deepEqual(findings.map((finding) => finding.code), ['tag-latest']);
  });
});

void describe('the rule catalog, everywhere a user meets it', () => {
  void it('every rule code has a catalog entry with help, a registries-schema entry, a settings entry and a README mention', () => {
    const schema = JSON.parse(readFileSync(path.join(ROOT, 'schemas/registries.schema.json'), 'utf8')) as { properties: { rules: { properties: Record<string, unknown> } } };
    const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { contributes: { configuration: Array<{ properties: Record<string, { properties?: Record<string, unknown> }> }> | { properties: Record<string, { properties?: Record<string, unknown> }> } } };
    const sections = Array.isArray(manifest.contributes.configuration) ? manifest.contributes.configuration : [manifest.contributes.configuration];
    const settings = sections.map((section) => section.properties['replicated-registries.rules']).find((value) => value !== undefined)?.properties ?? {};
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    for (const code of RULE_CODES) {
      assert.equal(RULES[code].code, code);
      assert.ok(RULES[code].help.length > 80, `${code}: help`);
      assert.ok(schema.properties.rules.properties[code], `${code} in schemas/registries.schema.json`);
      assert.ok(settings[code], `${code} in package.json's replicated-registries.rules`);
      assert.ok(readme.includes(`\`${code}\``), `${code} in the README's rule list`);
    }
  });
});
