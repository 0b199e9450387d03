/**
 * The demo behind `npm start` (scripts/start-editor.mjs): the packaged extension in code-server on
 * 127.0.0.1, opened on a copy of examples/ whose registries file lists a local demo registry that
 * holds a demo image. No account and no network beyond this machine.
 *
 * The demo registry's login sits in the demo's private ~/.docker/config.json, exactly where
 * `docker login` would put it: the language server finds it there (so diagnostics work at once), and
 * "Replicated: Import from Docker Config" moves it into VS Code's SecretStorage. It is never printed.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { pushImage, startHtpasswdRegistry, type RunningRegistry } from '../../harness';
import { REGISTRIES_FILE } from './scenario';
import { copyExamplesWorkspace, makeRunDir, startEditorSession, writeWorkspaceFile, type EditorSession } from './session';
import { packageExtension } from './vsix';

export interface DemoEditor {
  url: string;
  registryHost: string;
  workspaceDir: string;
  vsixPath: string;
  vsixBytes: number;
  stop(): Promise<void>;
}

export const DEMO_SLUG = 'demo-local';
export const DEMO_USERNAME = 'demo';

/** Points the examples' registries file at the demo registry (keeping app, public, custom domains). */
function writeDemoRegistriesFile(workspaceDir: string, registry: RunningRegistry): void {
  const file = path.join(workspaceDir, REGISTRIES_FILE);
  let document: Record<string, unknown> = {};
  try {
    document = (parse(readFileSync(file, 'utf8')) as Record<string, unknown> | null) ?? {};
  } catch {
    // No registries file in examples/: start one.
  }
  document.app ??= 'acme-platform';
  document.registries = [
    { slug: DEMO_SLUG, provider: 'other', endpoint: registry.host, authType: 'password', username: DEMO_USERNAME, plainHttp: true },
  ];
  writeFileSync(file, `# The demo registry started by \`npm start\` (a local docker-registry on ${registry.host}).\n${stringify(document)}`);
}

/** What `docker login` writes: the demo's private HOME only. */
function writeDockerConfig(home: string, registry: RunningRegistry, password: string): void {
  const dockerDir = path.join(home, '.docker');
  mkdirSync(dockerDir, { recursive: true, mode: 0o700 });
  const auth = Buffer.from(`${DEMO_USERNAME}:${password}`).toString('base64');
  writeFileSync(path.join(dockerDir, 'config.json'), JSON.stringify({ auths: { [registry.host]: { auth } } }, null, 2), { mode: 0o600 });
}

export async function launchDemoEditor(options: { port?: number; log?: (line: string) => void } = {}): Promise<DemoEditor> {
  const log = options.log ?? ((line: string) => console.log(line));
  log('packaging the extension (npm run package)…');
  const extension = packageExtension();
  const password = randomBytes(16).toString('hex');
  log('starting the demo registry and pushing demo images…');
  const registry = await startHtpasswdRegistry({ tls: false, users: { [DEMO_USERNAME]: password } });
  let session: EditorSession | undefined;
  try {
    await pushImage(registry, { repository: 'acme/web', tag: '2.4.1', format: 'index', username: DEMO_USERNAME, password });
    await pushImage(registry, { repository: 'acme/worker', tag: '1.0.0', format: 'oci', username: DEMO_USERNAME, password });
    const runDir = makeRunDir('editor');
    const workspaceDir = copyExamplesWorkspace(runDir);
    writeDemoRegistriesFile(workspaceDir, registry);
    writeWorkspaceFile(workspaceDir, 'manifests/demo-local-images.yaml', [
      '# Images on the demo registry that `npm start` runs on this machine.',
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: demo-web',
      'spec:',
      '  selector:',
      '    matchLabels: { app: demo-web }',
      '  template:',
      '    metadata:',
      '      labels: { app: demo-web }',
      '    spec:',
      '      containers:',
      '        - name: web',
      `          image: ${registry.host}/acme/web:2.4.1`,
      '        - name: worker',
      '          # This tag was never pushed: the editor reports tag-not-found here.',
      `          image: ${registry.host}/acme/worker:1.0.1`,
      '',
    ].join('\n'));
    writeDockerConfig(path.join(runDir, 'home'), registry, password);
    log('starting code-server (first run installs it into .cache/e2e: a few minutes)…');
    session = await startEditorSession({ runDir, workspaceDir, extension, ...(options.port !== undefined ? { port: options.port } : {}) });
    const running = session;
    return {
      url: running.codeServer.workspaceUrl,
      registryHost: registry.host,
      workspaceDir,
      vsixPath: extension.vsixPath,
      vsixBytes: extension.sizeBytes,
      async stop() {
        await running.codeServer.stop();
        await registry.stop();
      },
    };
  } catch (error) {
    await session?.codeServer.stop();
    await registry.stop();
    throw error;
  }
}
