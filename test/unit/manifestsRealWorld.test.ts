/**
 * Real-world shapes (test/fixtures/real-world/, written after public repositories' files): every image
 * found exactly where the carets say, nothing else, one finding per cause. Then the forms one by one:
 * custom resources and their precision, templated files, Argo's multi-line quoted args, block scalars,
 * merge keys, Compose interpolation and extends.
 */
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { analyzeFile, scanFile } from '../../server/src/analysis/analyzeFile';
import type { FoundImage, ImageKind } from '../../server/src/findings/types';
import type { ReleaseEnvironment } from '../../server/src/release/release';
import { findImages } from '../../server/src/manifests/findImages';
import { parseDotEnv } from '../../server/src/manifests/composeInterpolation';
import { emptyRegistriesConfig } from '../../server/src/store/types';
import { marked, yaml } from '../fixtures/carets';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/real-world');

function environment(files: Record<string, string> = {}): ReleaseEnvironment {
  return {
    config: { ...emptyRegistriesConfig(), public: ['docker.io/library'] },
    offline: true,
    credentialsFor: () => Promise.resolve({}),
    readFile: (file) => Promise.resolve(files[file]),
  };
}

/** The marked ranges must be exactly the images found, in order (and of `kinds`, when given). */
function expectImages(source: string, filePath: string, kinds?: ImageKind[]): { text: string; images: FoundImage[]; syntaxErrors: ReturnType<typeof findImages>['syntaxErrors'] } {
  const { text, ranges } = marked(source);
  const { images, syntaxErrors } = findImages(text, filePath);
  assert.deepEqual(
    images.map((image) => text.slice(image.start, image.end)),
    ranges.map((range) => range.text),
    `${filePath}: images found (left) against the marked ones (right)`,
  );
  assert.deepEqual(images.map((image) => [image.start, image.end]), ranges.map((range) => [range.start, range.end]));
  if (kinds) assert.deepEqual(images.map((image) => image.kind), kinds);
  return { text, images, syntaxErrors };
}

void describe('real-world shaped files', () => {
  const cases: Array<{ file: string; syntax: string[]; kinds?: ImageKind[] }> = [
    { file: 'argo-workflow.yaml', syntax: ['FLOW_SCALAR_INDENT'], kinds: ['resource', 'container', 'resource', 'resource', 'container', 'container', 'resource'] },
    { file: 'argo-multiline-args.yaml', syntax: ['FLOW_SCALAR_INDENT', 'FLOW_SCALAR_INDENT'] },
    { file: 'tekton-task.yaml', syntax: [] },
    { file: 'prometheus-cr.yaml', syntax: [], kinds: ['resource', 'resource', 'container', 'resource', 'resource', 'resource', 'resource'] },
    { file: 'troubleshoot-v1beta3.yaml', syntax: [], kinds: ['container', 'collector', 'collector', 'collector'] },
    { file: 'not-images.yaml', syntax: [] },
  ];
  for (const { file, syntax, kinds } of cases) {
    void it(`${file}: every image, exactly there, nothing else; ${syntax.length} syntax finding(s)`, async () => {
      const source = await readFile(path.join(FIXTURES, file), 'utf8');
      const { text, syntaxErrors } = expectImages(source, file, kinds);
      assert.deepEqual(syntaxErrors.map((error) => error.parserCode), syntax);
      // Through the whole engine: no finding says the YAML or a reference is broken, one per cause.
      const findings = await analyzeFile({ text, path: path.join(FIXTURES, file) }, environment());
      assert.deepEqual(findings.filter((finding) => finding.code === 'invalid-reference'), []);
      assert.equal(findings.filter((finding) => finding.code === 'yaml-syntax').length, syntax.length);
    });
  }

  void it('a flow-collection quoted scalar gets one true message, on the under-indented line, as a warning', async () => {
    const { text } = marked(await readFile(path.join(FIXTURES, 'argo-multiline-args.yaml'), 'utf8'));
    const findings = (await analyzeFile({ text, path: 'argo.yaml' }, environment())).filter((finding) => finding.code === 'yaml-syntax');
    assert.deepEqual(
      findings.map((finding) => [finding.severity, text.slice(finding.start, finding.end)]),
      [
        ['warning', '"]'],
        ['warning', "echo two']"],
      ],
    );
    assert.match(findings[0]?.message ?? '', /^The quoted value opened on line 15 continues on line 18, indented no deeper than the line of its `\[` \(6 spaces\): libyaml-based tools .* accept this/);
    assert.doesNotMatch(findings[0]?.message ?? '', /Missing closing/);
  });
});

void describe('custom resources: the resource rule and its precision', () => {
  void it('finds image, imageName and *Image keys whose value is a reference; not the ones that are not', () => {
    expectImages(
      yaml`
        apiVersion: example.com/v1
        kind: Thing
        metadata:
          name: t
          labels:
            image: nginx
        spec:
          image: ^^ghcr.io/acme/thing:1.0^^
          sidecarImage: ^^ghcr.io/acme/sidecar:1.0^^
          initImage: busybox
          pullImage: "true"
          image2: ghcr.io/not/a-key-we-know:1
          nested:
            - imageName: ^^quay.io/acme/db:16^^
            - image: 12
            - image: "Not A Reference"
            - image: $(params.IMAGE)
            - image:
                repository: ^^acme/block^^
                tag: "2"
        status:
          image: ghcr.io/acme/observed:1.0
      `,
      'thing.yaml',
      ['resource', 'resource', 'resource', 'resource'],
    );
  });

  void it('takes {kind: DockerImage, name} (OpenShift) and Argo CD kustomize overrides and Helm values', () => {
    expectImages(
      yaml`
        apiVersion: build.openshift.io/v1
        kind: BuildConfig
        spec:
          strategy:
            dockerStrategy:
              from:
                kind: DockerImage
                name: ^^registry.access.redhat.com/ubi9/ubi:9.4^^
        ---
        apiVersion: argoproj.io/v1alpha1
        kind: Application
        spec:
          source:
            kustomize:
              images:
                - nginx=^^nginx:1.27^^
                - ^^ghcr.io/acme/api:2.0^^
            helm:
              valuesObject:
                image:
                  repository: ^^ghcr.io/acme/web^^
                  tag: "3.1"
      `,
      'apps.yaml',
      ['resource', 'kustomize', 'kustomize', 'helm-values'],
    );
  });

  void it('a Helm chart template CR keeps the template kind, so values.yaml resolves it', async () => {
    const template = 'apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nspec:\n  image: "{{ .Values.prometheus.image }}"\n';
    const values = 'prometheus:\n  image: quay.io/prometheus/prometheus:v2.54.1\n';
    const scan = await scanFile({ text: template, path: '/c/templates/prometheus.yaml' }, environment({ '/c/Chart.yaml': 'name: c\n', '/c/values.yaml': values }));
    assert.deepEqual(scan.images.map((image) => [image.kind, image.reference?.canonical]), [['helm-template', 'quay.io/prometheus/prometheus:v2.54.1']]);
  });
});

void describe('templated files outside a chart', () => {
  void it('a document with a line starting with {{ is read leniently: no yaml-syntax, images found', () => {
    const { syntaxErrors } = expectImages(
      yaml`
        apiVersion: v1
        kind: Pod
        spec:
          containers:
          {{- range .Values.containers }}
            - name: {{ .name }}
              image: ^^{{ .image }}^^
          {{- end }}
            - name: fixed
              image: ^^nginx:1.27^^
      `,
      'pod.yaml',
    );
    assert.deepEqual(syntaxErrors, []);
  });

  void it('inline expressions alone do not make a template: a real error is still reported', () => {
    const { syntaxErrors } = findImages('apiVersion: v1\nkind: Pod\nmetadata:\n  name: repl{{ ConfigOption "name" }}\n  labels: {a: "b}\nspec: {}\n', 'pod.yaml');
    assert.equal(syntaxErrors.length > 0, true);
  });
});

void describe('block scalars, merge keys', () => {
  void it('finds image: >- and |- on their content line; a kept line break is its own clear error', async () => {
    const source = yaml`
      apiVersion: v1
      kind: Pod
      spec:
        containers:
          - image: >-
              ^^ghcr.io/acme/web:1.0^^
          - image: |-
              ^^nginx:1.27^^
          - image: |
              ^^redis:7.4^^
    `;
    const { text } = expectImages(source, 'pod.yaml');
    const findings = (await analyzeFile({ text, path: 'pod.yaml' }, environment())).filter((finding) => finding.code === 'invalid-reference');
    assert.deepEqual(findings.map((finding) => text.slice(finding.start, finding.end)), ['redis:7.4']);
    assert.match(findings[0]?.message ?? '', /ends with a line break.*`\|-` or `>-`/);
  });

  void it('merges <<: *anchor with the map own keys winning; the image is reported once, where it is written', () => {
    const { images } = expectImages(
      yaml`
        x-a: &a
          image: ^^ghcr.io/acme/a:1^^
          restart: always
        x-b: &b
          image: ghcr.io/acme/b:1
        services:
          one:
            <<: *a
          two:
            <<: [*a, *b]
          three:
            <<: *b
            image: ^^ghcr.io/acme/three:1^^
      `,
      'compose.yaml',
    );
    assert.equal(images.length, 2);
  });
});

void describe('Compose: interpolation from .env, anchors, extends', () => {
  let folder: string;
  before(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), 'rr-compose-'));
    await cp(path.join(FIXTURES, 'compose'), folder, { recursive: true });
    for (const name of await readdir(folder)) await writeFile(path.join(folder, name), marked(await readFile(path.join(folder, name), 'utf8')).text);
  });
  after(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  const readDisk = (file: string): Promise<string | undefined> => readFile(file, 'utf8').catch(() => undefined);

  void it('resolves ${VAR} from the .env beside the file and from defaults, as docker compose config does', async () => {
    const source = await readFile(path.join(FIXTURES, 'compose', 'compose.yaml'), 'utf8');
    const { ranges } = marked(source);
    const text = await readFile(path.join(folder, 'compose.yaml'), 'utf8');
    const scan = await scanFile({ text, path: path.join(folder, 'compose.yaml') }, { ...environment(), readFile: readDisk });
    assert.deepEqual(scan.images.map((image) => [image.start, image.end]), ranges.map((range) => [range.start, range.end]));
    assert.deepEqual(
      scan.images.map((image) => (image.reference ? image.text : `unresolved ${image.unresolvedVariables?.map((v) => v.name).join()}`)),
      ['ghcr.io/acme/app:1.0.0', 'ghcr.io/acme/web:2.3.1', 'postgres:16.4', 'nginx:1.27-alpine', 'redis:7.4-alpine', 'unresolved GRAFANA_TAG'],
    );
    // The .env lines the values come from are attached, so the editor can point there.
    const web = scan.images[1];
    assert.deepEqual(web?.related?.map((related) => related.message), ['REGISTRY=ghcr.io/acme (.env)', 'WEB_TAG=2.3.1 (.env)']);
  });

  void it('an unresolvable variable is an info naming it, on the ${...}; never invalid-reference', async () => {
    const text = await readFile(path.join(folder, 'compose.yaml'), 'utf8');
    const findings = await analyzeFile({ text, path: path.join(folder, 'compose.yaml') }, { ...environment(), readFile: readDisk });
    assert.deepEqual(findings.filter((finding) => finding.code === 'invalid-reference' || finding.code === 'yaml-syntax'), []);
    const unresolved = findings.filter((finding) => finding.code === 'variable-unresolved');
    assert.deepEqual(unresolved.map((finding) => [finding.severity, text.slice(finding.start, finding.end)]), [['info', '${GRAFANA_TAG}']]);
    assert.match(unresolved[0]?.message ?? '', /GRAFANA_TAG is not set in \.env and has no default/);
  });

  void it('the file an extends: names reports its own images, where they are written', async () => {
    const source = await readFile(path.join(FIXTURES, 'compose', 'common-services.yml'), 'utf8');
    const { ranges } = marked(source);
    const text = await readFile(path.join(folder, 'common-services.yml'), 'utf8');
    const scan = await scanFile({ text, path: path.join(folder, 'common-services.yml') }, { ...environment(), readFile: readDisk });
    assert.deepEqual(scan.images.map((image) => [image.start, image.end, image.reference?.canonical]), [[ranges[0]?.start, ranges[0]?.end, 'ghcr.io/acme/migrations:1.0.0']]);
  });

  void it('follows compose-spec semantics for every operator', async () => {
    const env = 'SET=v\nEMPTY=\n';
    const cases: Array<[string, string | RegExp]> = [
      ['a:${SET}', 'a:v'],
      ['a:$SET', 'a:v'],
      ['a:${UNSET:-d}', 'a:d'],
      ['a:${EMPTY:-d}', 'a:d'],
      ['a:${EMPTY-d}x', 'a:x'],
      ['a:${UNSET-d}', 'a:d'],
      ['a:${SET:+alt}', 'a:alt'],
      ['a:x${EMPTY:+alt}', 'a:x'],
      ['a:x${EMPTY+alt}', 'a:xalt'],
      ['a:${UNSET:-${SET}}', 'a:v'],
      ['a:${EMPTY:?must}', /EMPTY is required and must not be empty.*missing a value: must/],
      ['a:${UNSET?must}', /UNSET is required but is not set/],
      ['a:${UNSET}', /UNSET is not set in \.env and has no default/],
      ['a:${', /not valid interpolation/],
    ];
    for (const [value, expected] of cases) {
      const text = `services:\n  s:\n    image: "${value}"\n`;
      const scan = await scanFile({ text, path: '/p/compose.yaml' }, environment({ '/p/.env': env }));
      const image = scan.images[0];
      if (typeof expected === 'string') assert.equal(image?.reference ? image.text : undefined, expected, value);
      else assert.match(image?.unresolvedVariables?.[0]?.message ?? '', expected, value);
    }
  });

  void it('reads .env as Compose does: export, quotes, comments, earlier variables', () => {
    const values = parseDotEnv("# comment\nexport A=1\nB = 'x y' \nC=\"q\\\"uote\"\nD=two # comment\nE=${A}-$D\nF\n");
    assert.deepEqual(
      [...values].map(([name, entry]) => [name, entry.value]),
      [
        ['A', '1'],
        ['B', 'x y'],
        ['C', 'q"uote'],
        ['D', 'two'],
        ['E', '1-two'],
      ],
    );
  });
});
