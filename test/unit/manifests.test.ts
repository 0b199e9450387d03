import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findImages, findImagesInDocument, documentTree, splitDocuments } from '../../server/src/manifests/findImages';
import { ANALYSIS_LIMIT_CODE, type FoundImage, type ImageKind } from '../../server/src/findings/types';
import { marked, yaml } from '../fixtures/carets';

/** The marked ranges must be exactly the images found, in order, each with `kind`. */
function expectImages(source: string, filePath: string, kind: ImageKind | ImageKind[]): FoundImage[] {
  const { text, ranges } = marked(source);
  const images = findImages(text, filePath).images;
  assert.deepEqual(
    images.map((image) => ({ start: image.start, end: image.end, text: text.slice(image.start, image.end) })),
    ranges.map((range) => ({ start: range.start, end: range.end, text: range.text })),
  );
  const kinds = Array.isArray(kind) ? kind : ranges.map(() => kind);
  assert.deepEqual(images.map((image) => image.kind), kinds);
  return images;
}

void describe('findImages: pod specs of any kind', () => {
  void it('finds containers, initContainers and ephemeralContainers with exact ranges, quotes excluded', () => {
    const images = expectImages(
      yaml`
        apiVersion: apps/v1
        kind: Deployment
        spec:
          template:
            spec:
              initContainers:
                - name: init
                  image: ^^busybox:1.36^^   # trailing comment
              containers:
              - name: web
                image: "^^ghcr.io/acme/web:1.0^^"
              - {name: side, image: '^^nginx:1.27^^'}
              ephemeralContainers:
                - name: debug
                  image: ^^docker.io/library/alpine:3.20^^
      `,
      'deploy.yaml',
      'container',
    );
    assert.equal(images[1]?.reference?.canonical, 'ghcr.io/acme/web:1.0');
    assert.equal(images[0]?.reference?.canonical, 'docker.io/library/busybox:1.36');
  });

  void it('finds a CronJob job template and a custom resource embedding a pod template', () => {
    expectImages(
      yaml`
        apiVersion: batch/v1
        kind: CronJob
        spec:
          jobTemplate:
            spec:
              template:
                spec:
                  containers:
                    - image: ^^ghcr.io/acme/report:2^^
        ---
        apiVersion: argoproj.io/v1alpha1
        kind: Rollout
        spec:
          template:
            spec:
              containers:
              - name: app
                image: ^^quay.io/acme/app:3^^
      `,
      'workloads.yaml',
      'container',
    );
  });

  void it('ignores image keys that are not in a container list, and block scalars that mention images', () => {
    expectImages(
      yaml`
        apiVersion: v1
        kind: ConfigMap
        data:
          image: not-a-container
          script: |
            containers:
              - image: nope:1
        ---
        apiVersion: v1
        kind: Pod
        spec:
          containers:
            - name: a
              args:
                - |
                  image: also-not
              image: ^^ok:1^^
      `,
      'misc.yaml',
      'container',
    );
  });

  void it('marks template expressions as templated and never parses them', () => {
    const images = expectImages(
      yaml`
        apiVersion: v1
        kind: Pod
        spec:
          containers:
            - image: '^^{{repl LocalImageName "ghcr.io/acme/x:1"}}^^'
            - image: '^^repl{{ ConfigOption "registry" }}/acme/y:2^^'
            - image: ^^repl{{ ConfigOption "tag" }}^^
      `,
      'pod.yaml',
      'container',
    );
    assert.ok(images.every((image) => image.templated && !image.reference));
  });
});

void describe('findImages: KOTS and troubleshoot kinds', () => {
  void it('finds Application additionalImages and excludedImages', () => {
    expectImages(
      yaml`
        apiVersion: kots.io/v1beta1
        kind: Application
        spec:
          additionalImages:
            - ^^ghcr.io/acme/migrations:2^^
            - "^^busybox:1.36^^"
          excludedImages: [^^ghcr.io/acme/debug:2^^]
      `,
      'kots-app.yaml',
      ['additional-image', 'additional-image', 'excluded-image'],
    );
  });

  void it('finds images run by Preflight and SupportBundle collectors', () => {
    expectImages(
      yaml`
        apiVersion: troubleshoot.sh/v1beta2
        kind: Preflight
        spec:
          collectors:
            - run:
                image: ^^ghcr.io/acme/probe:1^^
            - copyFromHost:
                image: ^^alpine:3^^
            - registryImages:
                images:
                  - ^^ghcr.io/acme/a:1^^
                  - ^^ghcr.io/acme/b:1^^
        ---
        apiVersion: troubleshoot.sh/v1beta2
        kind: SupportBundle
        spec:
          collectors:
            - runPod:
                podSpec:
                  containers:
                    - name: c
                      image: ^^ghcr.io/acme/collector:1^^
      `,
      'preflight.yaml',
      ['collector', 'collector', 'collector', 'collector', 'container'],
    );
  });

  void it('finds image-shaped values of a HelmChart, assembling image blocks', () => {
    const images = expectImages(
      yaml`
        apiVersion: kots.io/v1beta2
        kind: HelmChart
        spec:
          values:
            image:
              registry: proxy.replicated.com
              repository: ^^proxy/acme/ghcr.io/acme/api^^
              tag: "2.4.1"
            worker:
              image: ^^ghcr.io/acme/worker:1^^
          optionalValues:
            - when: "repl{{ IsAirgap }}"
              values:
                image: ^^registry.local/acme/api:2.4.1^^
      `,
      'helmchart.yaml',
      'helmchart-values',
    );
    assert.equal(images[0]?.text, 'proxy.replicated.com/proxy/acme/ghcr.io/acme/api:2.4.1');
    assert.deepEqual(images[0]?.parts?.map((part) => part.role), ['registry', 'repository', 'tag']);
    assert.equal(images[0]?.upstream?.canonical, 'ghcr.io/acme/api:2.4.1');
    assert.deepEqual(images[0]?.proxy, { domain: 'proxy.replicated.com', appSlug: 'acme' });
  });
});

void describe('findImages: Helm, Compose, Kustomize', () => {
  void it('assembles values.yaml image blocks, with global.imageRegistry as the default registry', () => {
    const { text } = marked(yaml`
      global:
        imageRegistry: ghcr.io
      image:
        repository: acme/api
        tag: 1.2.3
      sidecar:
        image:
          registry: quay.io
          repository: acme/sidecar
          digest: sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
      plain:
        image: "nginx:1.27"
    `);
    const images = findImages(text, 'charts/api/values.yaml').images;
    assert.deepEqual(images.map((image) => image.text), [
      'ghcr.io/acme/api:1.2.3',
      'quay.io/acme/sidecar@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
      'nginx:1.27',
    ]);
    assert.ok(images.every((image) => image.kind === 'helm-values'));
    const first = images[0] as FoundImage;
    assert.equal(text.slice(first.start, first.end), 'acme/api');
    const registryPart = first.parts?.find((part) => part.role === 'registry');
    assert.equal(registryPart && text.slice(registryPart.start, registryPart.end), 'ghcr.io');
  });

  void it('assembles an image name written beside its registry and tag ({registry, image, tag}); a lone or tagged image stays a scalar', () => {
    const { text } = marked(yaml`
      worker:
        registry: ghcr.io
        image: acme/worker
        tag: 2.0.1
      migrations:
        image: acme/migrate
        digest: sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
      tagged:
        image: quay.io/acme/tools:1.0
        tag: ignored-by-the-chart
      alone:
        image: busybox
    `);
    const images = findImages(text, 'charts/api/values.yaml').images;
    assert.deepEqual(images.map((image) => image.text), [
      'ghcr.io/acme/worker:2.0.1',
      'acme/migrate@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
      'quay.io/acme/tools:1.0',
      'busybox',
    ]);
    const worker = images[0] as FoundImage;
    assert.equal(text.slice(worker.start, worker.end), 'acme/worker');
    assert.deepEqual(worker.parts?.map((part) => [part.role, text.slice(part.start, part.end)]), [['registry', 'ghcr.io'], ['repository', 'acme/worker'], ['tag', '2.0.1']]);
  });

  void it('finds Compose services images and Kustomize images entries', () => {
    expectImages(
      yaml`
        services:
          web:
            image: ^^ghcr.io/acme/web:1^^
          db:
            image: ^^postgres:16^^
      `,
      'docker-compose.yml',
      'compose',
    );
    const { text } = marked(yaml`
      apiVersion: kustomize.config.k8s.io/v1beta1
      kind: Kustomization
      images:
        - name: nginx
          newName: ghcr.io/acme/nginx
          newTag: "1.27"
        - name: postgres
          digest: sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
        - name: untouched
    `);
    const images = findImages(text, 'overlays/prod/kustomization.yaml').images;
    assert.deepEqual(images.map((image) => [image.kind, image.text]), [
      ['kustomize', 'ghcr.io/acme/nginx:1.27'],
      ['kustomize', 'postgres@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'],
    ]);
  });

  void it('finds a chart template image built from .Values paths as a template (the release evaluates it)', () => {
    const template = yaml`
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: {{ include "x.fullname" . }}
      spec:
        template:
          spec:
            containers:
              - name: api
                image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default "1.0" }}"
                {{- with .Values.resources }}
                resources: {{- toYaml . | nindent 12 }}
                {{- end }}
    `;
    const found = findImages(template, '/c/templates/deployment.yaml').images;
    assert.equal(found.length, 1);
    assert.equal(found[0]?.kind, 'helm-template');
    assert.ok(found[0]?.templated);
    assert.equal(found[0]?.text, '{{ .Values.image.repository }}:{{ .Values.image.tag | default "1.0" }}');
  });
});

void describe('document splitting and the two parse paths', () => {
  void it('splits on --- and ... markers, keeping ranges contiguous', () => {
    const text = '# head\na: 1\n---\nb: 2\n...\n---\nc: 3\n';
    const ranges = splitDocuments(text);
    assert.deepEqual(ranges.map((range) => text.slice(range.start, range.end)), ['# head\na: 1\n', '---\nb: 2\n...\n', '---\nc: 3\n']);
  });

  void it('falls back to the full parse for anchors and aliases, with the same ranges', () => {
    const { text, ranges } = marked(yaml`
      apiVersion: v1
      kind: Pod
      spec:
        containers:
          - name: a
            image: &img ^^ghcr.io/acme/a:1^^
          - name: b
            image: *img
    `);
    const role = 'manifest';
    assert.equal(documentTree(text, { start: 0, end: text.length }, role).via, 'full');
    const images = findImages(text, 'pod.yaml').images;
    // The alias resolves to the anchored scalar: same range once (deduplicated by position).
    assert.deepEqual(images.map((image) => [image.start, image.end]), [[ranges[0]?.start, ranges[0]?.end]]);
  });

  void it('finds the same images on a document slice, offsets shifted', () => {
    const text = 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: a:1\n---\napiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: b:2\n';
    const [, second] = splitDocuments(text);
    assert.ok(second);
    const slice = text.slice(second.start, second.end);
    const viaSlice = findImages(slice, 'p.yaml', { offset: second.start }).images;
    const viaRange = findImagesInDocument(text, second, 'p.yaml').images;
    assert.deepEqual(viaSlice.map((image) => [image.start, image.end, image.text]), viaRange.map((image) => [image.start, image.end, image.text]));
    assert.equal(text.slice(viaSlice[0]?.start, viaSlice[0]?.end), 'b:2');
  });

  void it('parses the sample application identically on both paths', async () => {
    const { readdir, readFile } = await import('node:fs/promises');
    const path = await import('node:path');
    const root = path.resolve(import.meta.dirname, '../../examples');
    const files = (await readdir(root, { recursive: true })).filter((name) => /\.ya?ml$/.test(name) && !name.includes('templates'));
    assert.ok(files.length >= 8, `expected the sample app under ${root}`);
    for (const name of files) {
      const text = await readFile(path.join(root, name), 'utf8');
      for (const range of splitDocuments(text)) {
        const fast = findImagesInDocument(text, range, name, {}, 'fast').images;
        const full = findImagesInDocument(text, range, name, {}, 'full').images;
        assert.deepEqual(fast, full, name);
      }
    }
  });
});

void describe('findImages: hostile flow nesting', () => {
  const depth = 5000;
  const balanced = `${'['.repeat(depth)}x${']'.repeat(depth)}`;
  const unbalanced = '['.repeat(depth);
  const podWith = (value: string): string => `kind: Pod\nmetadata:\n  annotations:\n    deep: ${value}\nspec:\n  containers:\n    - image: nginx:1.27\n`;

  void it('does not overflow the stack on 5,000 nested [: the document is refused with one analysis-limit error', () => {
    for (const value of [balanced, unbalanced]) {
      const text = podWith(value);
      const scan = findImages(text, 'pod.yaml');
      assert.deepEqual(scan.images, []);
      const limits = scan.syntaxErrors.filter((error) => error.parserCode === ANALYSIS_LIMIT_CODE);
      assert.equal(limits.length, 1);
      assert.match(limits[0]?.message ?? '', /nests deeper than 200 levels here/);
    }
  });

  void it('finds the images around nesting under the bound (150 levels), read by the exact parser', () => {
    const text = podWith(`${'['.repeat(150)}x${']'.repeat(150)}`);
    assert.deepEqual(findImages(text, 'pod.yaml').images.map((image) => text.slice(image.start, image.end)), ['nginx:1.27']);
  });

  void it('the fast scanner reports deep nesting as undecidable (handed to the full parser), not as a RangeError', () => {
    const text = podWith(balanced);
    const [range] = splitDocuments(text);
    assert.ok(range);
    assert.throws(() => documentTree(text, range, 'manifest', 'fast'), (error: unknown) => error instanceof Error && error.name !== 'RangeError' && !(error instanceof RangeError));
  });

  void it('a Helm template (lenient scan) with deep nesting degrades to plain text', () => {
    const text = `spec:\n  containers:\n    - image: ${unbalanced}\n    - image: "{{ .Values.image.repository }}:1.0"\n`;
    assert.doesNotThrow(() => findImages(text, 'chart/templates/deploy.yaml'));
  });

  void it('a value nested exactly below the limit is still read by the fast scanner', () => {
    const text = `image: ${'['.repeat(50)}nginx${']'.repeat(50)}\n`;
    const [range] = splitDocuments(text);
    assert.ok(range);
    assert.equal(documentTree(text, range, 'manifest', 'fast').via, 'fast');
  });
});

void describe('image texts shared across the documents of one file', () => {
  void it('images with the same text share one reference, and read exactly as without sharing (proxy form included)', () => {
    const pod = (image: string): string => `apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: app\n      image: ${image}\n`;
    const text = [pod('proxy.replicated.com/proxy/acme/ghcr.io/acme/api:1.2'), pod('proxy.replicated.com/proxy/acme/ghcr.io/acme/api:1.2'), pod('ghcr.io/acme/web:2')].join('---\n');
    const parsed = new Map();
    const shared = splitDocuments(text).map((range) => findImagesInDocument(text, range, 'deploy.yaml', { parsed }));
    const alone = splitDocuments(text).map((range) => findImagesInDocument(text, range, 'deploy.yaml'));
    assert.deepEqual(shared, alone);
    const [first, second, third] = shared.map((scan) => scan.images[0]);
    assert.ok(first?.reference && first.upstream && first.proxy, 'the proxy form is read');
    assert.equal(second?.reference, first.reference);
    assert.equal(second?.upstream, first.upstream);
    assert.notEqual(third?.reference, first.reference);
    assert.equal(parsed.size, 2);
  });
});
