/**
 * The e2e scenario's world: two real htpasswd registries on 127.0.0.1 (plain HTTP) with images pushed
 * (the first with two users), a third over TLS that the team never connects, a workspace copied from
 * examples/ whose registries file starts empty, a fixture manifest that references all three, and a
 * `docker login` to the first registry (as its second user) in the editor's own Docker config. Shared by
 * the code-server tests and the @vscode/test-electron runner.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { pushImage, startHtpasswdRegistry, type RunningRegistry } from '../../harness';
import { copyExamplesWorkspace, writeWorkspaceFile } from './session';

export const REGISTRIES_FILE = '.replicated-registries.yaml';
export const FIXTURE_MANIFEST = 'manifests/e2e-images.yaml';

export interface ScenarioRegistry {
  registry: RunningRegistry;
  /** The slug the scenario gives it when connecting it. */
  slug: string;
  repository: string;
  tag: string;
  digest: string;
}

export interface ScenarioWorld {
  username: string;
  /** Random per run; typed into VS Code's password box, never written to a file or argv. */
  password: string;
  /** The palette registry's second user: the one `docker login` used on this machine. */
  secondUser: { username: string; password: string };
  /** A TLS registry on 127.0.0.1 the team never connects (Docker reaches it over HTTPS first). */
  unconnectedTls: RunningRegistry;
  /** Connected through the palette's Add External Registry flow. */
  palette: ScenarioRegistry;
  /** Connected through the "Connect ... to the team's registries" quick fix. */
  quickFix: ScenarioRegistry;
  /** A tag that does not exist on the palette registry's repository. */
  missingTag: string;
  workspaceDir: string;
  /** 1-based positions in the fixture manifest, for hovers and quick fixes. */
  positions: { existing: Position; missingTag: Position; notConnected: Position; unconnectedTls: Position };
  stop(): Promise<void>;
}

export interface Position {
  line: number;
  column: number;
}

/** 1-based line and column of `needle` in `text` (the column points into it, past the host). */
function positionOf(text: string, needle: string, offsetInNeedle: number): Position {
  const index = text.indexOf(needle);
  if (index < 0) throw new Error(`fixture manifest lacks ${needle}`);
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  const column = index - before.lastIndexOf('\n') + offsetInNeedle;
  return { line, column };
}

/** Empties the registries list of the examples' registries file (keeping app, public, custom domains). */
function emptyRegistriesFile(workspaceDir: string): void {
  const file = path.join(workspaceDir, REGISTRIES_FILE);
  const document = existsSync(file) ? (parse(readFileSync(file, 'utf8')) as Record<string, unknown> | null) ?? {} : {};
  document.app ??= 'acme-platform';
  document.registries = [];
  writeFileSync(file, stringify(document));
}

/** What `docker login HOST` writes, in the editor's HOME (code-server runs with `<runDir>/home`). */
function writeDockerLogin(runDir: string, host: string, login: { username: string; password: string }): void {
  const dockerDir = path.join(runDir, 'home', '.docker');
  mkdirSync(dockerDir, { recursive: true, mode: 0o700 });
  writeFileSync(path.join(dockerDir, 'config.json'), JSON.stringify({ auths: { [host]: { auth: Buffer.from(`${login.username}:${login.password}`).toString('base64') } } }), { mode: 0o600 });
}

export async function createScenarioWorld(runDir: string): Promise<ScenarioWorld> {
  const username = 'e2e-vendor';
  const password = randomBytes(12).toString('hex');
  const secondUser = { username: 'e2e-docker-user', password: randomBytes(12).toString('hex') };
  const started: RunningRegistry[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(started.map((registry) => registry.stop()));
  };
  try {
    const paletteRegistry = await startHtpasswdRegistry({ tls: false, users: { [username]: password, [secondUser.username]: secondUser.password } });
    started.push(paletteRegistry);
    const quickFixRegistry = await startHtpasswdRegistry({ tls: false, users: { [username]: password } });
    started.push(quickFixRegistry);
    const unconnectedTls = await startHtpasswdRegistry({ tls: true, users: { [username]: password } });
    started.push(unconnectedTls);
    writeDockerLogin(runDir, paletteRegistry.host, secondUser);
    const app = await pushImage(paletteRegistry, { repository: 'acme/app', tag: '1.0', format: 'oci', username, password });
    const worker = await pushImage(quickFixRegistry, { repository: 'acme/worker', tag: '2.0', format: 'docker-v2', username, password });

    const workspaceDir = copyExamplesWorkspace(runDir);
    emptyRegistriesFile(workspaceDir);
    const missingTag = '9.9.9-missing';
    const existingImage = `${paletteRegistry.host}/acme/app:1.0`;
    const missingImage = `${paletteRegistry.host}/acme/app:${missingTag}`;
    const notConnectedImage = `${quickFixRegistry.host}/acme/worker:2.0`;
    const tlsImage = `${unconnectedTls.host}/acme/private:1.0`;
    const manifest = [
      '# Written by the e2e test: images on two local registries.',
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: e2e-images',
      'spec:',
      '  selector:',
      '    matchLabels: { app: e2e-images }',
      '  template:',
      '    metadata:',
      '      labels: { app: e2e-images }',
      '    spec:',
      '      containers:',
      '        - name: app',
      `          image: ${existingImage}`,
      '        - name: app-next',
      `          image: ${missingImage}`,
      '        - name: worker',
      `          image: ${notConnectedImage}`,
      '        - name: tls-elsewhere',
      `          image: ${tlsImage}`,
      '',
    ].join('\n');
    writeWorkspaceFile(workspaceDir, FIXTURE_MANIFEST, manifest);
    return {
      username,
      password,
      secondUser,
      unconnectedTls,
      palette: { registry: paletteRegistry, slug: 'e2e-local', repository: 'acme/app', tag: '1.0', digest: app.digest },
      quickFix: { registry: quickFixRegistry, slug: 'e2e-worker', repository: 'acme/worker', tag: '2.0', digest: worker.digest },
      missingTag,
      workspaceDir,
      positions: {
        // Inside the part each diagnostic underlines: the path, the tag, the registry host.
        existing: positionOf(manifest, existingImage, paletteRegistry.host.length + 3),
        missingTag: positionOf(manifest, missingImage, missingImage.length - 3),
        notConnected: positionOf(manifest, notConnectedImage, 3),
        unconnectedTls: positionOf(manifest, tlsImage, 3),
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
