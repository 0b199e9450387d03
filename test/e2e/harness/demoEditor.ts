/**
 * The demo behind `npm start` (scripts/start-editor.mjs): the packaged extension in code-server on
 * 127.0.0.1, opened on a copy of examples/ whose registries file lists a local demo registry that
 * holds demo images. No account and no network beyond this machine.
 *
 * The demo lives in demo/ at the repository root (git-ignored) and is KEPT between runs: the workspace
 * you edit (demo/workspace), VS Code's state (its keychain, your consent), the demo registry's login and
 * its address. The next `npm start` opens the same workspace; `npm start -- --fresh` starts over from
 * examples/. When the registry cannot get its old port back, its new address is written into the two
 * demo files that name it.
 *
 * The demo registry's login sits in the demo's private ~/.docker/config.json, exactly where
 * `docker login` would put it: the language server finds it there (so diagnostics work at once), and
 * "Replicated: Import from Docker Config" moves it into VS Code's SecretStorage. It is never printed.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { pushImage, startHtpasswdRegistry, type RunningRegistry } from '../../harness';
import { repoRoot } from './codeServer';
import { REGISTRIES_FILE } from './scenario';
import { copyExamplesWorkspace, startEditorSession, writeWorkspaceFile, type EditorSession } from './session';
import { packageExtension } from './vsix';

export interface DemoEditor {
  url: string;
  registryHost: string;
  workspaceDir: string;
  /** Whether the workspace was made now (first run, or --fresh) rather than kept from the last run. */
  freshWorkspace: boolean;
  vsixPath: string;
  vsixBytes: number;
  stop(): Promise<void>;
}

export const DEMO_SLUG = 'demo-local';
export const DEMO_USERNAME = 'demo';
/** Where the demo is kept between runs. */
export const DEMO_DIR = path.join(repoRoot, 'demo');
const DEMO_MANIFEST = 'manifests/demo-local-images.yaml';

/** What the next run needs to find the demo as it was left: the registry's port and login. */
interface DemoState {
  port: number;
  password: string;
}

function readState(file: string): DemoState | undefined {
  try {
    const state = JSON.parse(readFileSync(file, 'utf8')) as Partial<DemoState>;
    return typeof state.port === 'number' && typeof state.password === 'string' ? { port: state.port, password: state.password } : undefined;
  } catch {
    return undefined;
  }
}

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
  document.registries = [{ slug: DEMO_SLUG, provider: 'other', endpoint: registry.host, authType: 'password', username: DEMO_USERNAME, plainHttp: true }];
  writeFileSync(file, `# The demo registry started by \`npm start\` (a local docker-registry on ${registry.host}).\n${stringify(document)}`);
}

function writeDemoManifest(workspaceDir: string, host: string): void {
  writeWorkspaceFile(workspaceDir, DEMO_MANIFEST, [
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
    `          image: ${host}/acme/web:2.4.1`,
    '        - name: worker',
    '          # This tag was never pushed: the editor reports tag-not-found here.',
    `          image: ${host}/acme/worker:1.0.1`,
    '',
  ].join('\n'));
}

/** The registry moved to another port: its old address is replaced in the files the demo wrote (the rest is yours). */
function moveRegistryAddress(workspaceDir: string, from: string, to: string): void {
  for (const relative of [REGISTRIES_FILE, DEMO_MANIFEST]) {
    const file = path.join(workspaceDir, relative);
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    if (text.includes(from)) writeFileSync(file, text.split(from).join(to));
  }
}

/** What `docker login` writes: the demo's private HOME only. */
function writeDockerConfig(home: string, registry: RunningRegistry, password: string): void {
  const dockerDir = path.join(home, '.docker');
  mkdirSync(dockerDir, { recursive: true, mode: 0o700 });
  const auth = Buffer.from(`${DEMO_USERNAME}:${password}`).toString('base64');
  writeFileSync(path.join(dockerDir, 'config.json'), JSON.stringify({ auths: { [registry.host]: { auth } } }, null, 2), { mode: 0o600 });
}

export async function launchDemoEditor(options: { port?: number; fresh?: boolean; demoDir?: string; log?: (line: string) => void } = {}): Promise<DemoEditor> {
  const log = options.log ?? ((line: string) => console.log(line));
  const demoDir = options.demoDir ?? DEMO_DIR;
  if (options.fresh) rmSync(demoDir, { recursive: true, force: true });
  mkdirSync(demoDir, { recursive: true });
  const stateFile = path.join(demoDir, 'state.json');
  const previous = readState(stateFile);
  const password = previous?.password ?? randomBytes(16).toString('hex');
  log('packaging the extension (npm run package)…');
  const extension = packageExtension();
  log('starting the demo registry and pushing demo images…');
  const registry = await startHtpasswdRegistry({ tls: false, users: { [DEMO_USERNAME]: password }, ...(previous ? { preferredPort: previous.port } : {}) });
  let session: EditorSession | undefined;
  try {
    await pushImage(registry, { repository: 'acme/web', tag: '2.4.1', format: 'index', username: DEMO_USERNAME, password });
    await pushImage(registry, { repository: 'acme/worker', tag: '1.0.0', format: 'oci', username: DEMO_USERNAME, password });
    const workspaceDir = path.join(demoDir, 'workspace');
    const freshWorkspace = !existsSync(workspaceDir);
    if (freshWorkspace) {
      copyExamplesWorkspace(demoDir);
      writeDemoRegistriesFile(workspaceDir, registry);
      writeDemoManifest(workspaceDir, registry.host);
    } else if (previous && previous.port !== Number(registry.host.split(':')[1])) {
      moveRegistryAddress(workspaceDir, `127.0.0.1:${previous.port}`, registry.host);
    }
    writeFileSync(stateFile, JSON.stringify({ port: Number(registry.host.split(':')[1]), password }), { mode: 0o600 });
    writeDockerConfig(path.join(demoDir, 'home'), registry, password);
    log('starting code-server (first run installs it into .cache/e2e: a few minutes)…');
    session = await startEditorSession({ runDir: demoDir, workspaceDir, extension, ...(options.port !== undefined ? { port: options.port } : {}) });
    const running = session;
    return {
      url: running.codeServer.workspaceUrl,
      registryHost: registry.host,
      workspaceDir,
      freshWorkspace,
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
