/**
 * Recall and precision over a generated corpus of 1,000+ real-world-shaped files (test/fixtures/corpus.ts:
 * pod specs, KOTS kinds, troubleshoot v1beta2 and templated v1beta3 specs, Helm values and templates,
 * Compose with .env / anchors / merge keys / extends / block scalars, Kustomize, Argo Workflows and
 * Argo's multi-line args, Tekton, operators' CRs, Argo CD and Flux, and image-like text that is not an
 * image). The expected answer is written with the corpus: every image found exactly where it is marked
 * and resolved to the expected reference (recall 100%), nothing else found, and `lint --offline` reports
 * exactly the expected findings (no noise).
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { scanFile } from '../../server/src/analysis/analyzeFile';
import type { CliIO } from '../../server/src/cli/io';
import { main } from '../../server/src/cli/main';
import type { LintResult } from '../../server/src/cli/commands/lint';
import { loadRegistriesFile } from '../../server/src/store/registriesFile/parse';
import { CORPUS_REGISTRIES, generateCorpus, type CorpusFile } from '../fixtures/corpus';
import { marked } from '../fixtures/carets';

const SEED = Number(process.env.CORPUS_SEED ?? 20261201);
const FILES = Number(process.env.CORPUS_FILES ?? 1_000);

let folder: string;
let corpus: CorpusFile[];

before(async () => {
  folder = await mkdtemp(path.join(os.tmpdir(), 'rr-corpus-'));
  corpus = generateCorpus(SEED, FILES);
  for (const file of corpus) {
    const full = path.join(folder, file.path);
    await mkdir(path.dirname(full), { recursive: true });
    await writeFile(full, marked(file.text).text);
  }
  await writeFile(path.join(folder, '.replicated-registries.yaml'), CORPUS_REGISTRIES);
});

after(async () => {
  await rm(folder, { recursive: true, force: true });
});

const yamlFiles = (): CorpusFile[] => corpus.filter((file) => /\.ya?ml$/.test(file.path));

void describe(`generated corpus (seed ${SEED})`, () => {
  void it(`has at least ${FILES} YAML files covering every form`, () => {
    assert.ok(yamlFiles().length >= FILES, `${yamlFiles().length} YAML files`);
    const forms = new Set(corpus.map((file) => file.form));
    assert.equal(forms.size, 15, [...forms].join(', '));
  });

  void it('every image found, exactly where it is written, resolved as expected; nothing else (recall and precision 100%)', async () => {
    const config = loadRegistriesFile(path.join(folder, '.replicated-registries.yaml')).config;
    const env = { config, readFile: (file: string) => readFile(file, 'utf8').catch(() => undefined) };
    let expected = 0;
    let found = 0;
    let matched = 0;
    const problems: string[] = [];
    for (const file of yamlFiles()) {
      const { text, ranges } = marked(file.text);
      const scan = await scanFile({ text, path: path.join(folder, file.path) }, env);
      expected += ranges.length;
      found += scan.images.length;
      const got = scan.images.map((image) => `${image.start}-${image.end} ${image.reference ? image.text : image.templated && image.unresolvedVariables ? 'unresolved' : image.text}`);
      const want = ranges.map((range, index) => `${range.start}-${range.end} ${file.images[index]}`);
      const missing = want.filter((entry) => !got.includes(entry));
      const spurious = got.filter((entry) => !want.includes(entry));
      matched += want.length - missing.length;
      if (missing.length > 0 || spurious.length > 0) problems.push(`${file.path}: missing ${JSON.stringify(missing)}, spurious ${JSON.stringify(spurious)}`);
    }
    console.log(`# corpus: ${yamlFiles().length} YAML files, ${expected} images expected, ${found} found, ${matched} matched: recall ${((100 * matched) / expected).toFixed(1)}%, ${found - matched} spurious`);
    assert.deepEqual(problems.slice(0, 10), []);
    assert.equal(matched, expected);
    assert.equal(found, expected);
  });

  void it('lint --offline reports exactly the expected findings: no noise', async () => {
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const io: CliIO = { stdout, stderr: new PassThrough(), stdin: new PassThrough(), env: { PATH: process.env.PATH }, cwd: folder };
    const code = await main(['lint', '--offline', '--format', 'json', '--fail-on', 'never'], io);
    assert.equal(code, 0);
    const results = JSON.parse(out) as LintResult[];
    const got = results.map((result) => `${result.file}:${result.line} ${result.code}`).sort();
    const want = yamlFiles()
      .flatMap((file) => file.findings.map((finding) => `${file.path}:${finding.line} ${finding.code}`))
      .sort();
    assert.ok(want.length > 0, 'the corpus expects some findings (unresolved variables, Argo multi-line args)');
    assert.deepEqual(got, want);
  });
});
