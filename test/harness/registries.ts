/**
 * Real `docker-registry` processes (distribution 2.8, Debian package) on 127.0.0.1, each with its own
 * config, storage and log in a temp folder: htpasswd auth (optionally over TLS with a throwaway CA), or
 * token auth through the harness's token server.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createServerCertificate, createSigningCertificate, type ServerCertificate } from './certs';
import {
  assertToolsInstalled,
  findFreePort,
  makeTempDir,
  probeStatus,
  readTail,
  removeTempDir,
  runChecked,
  spawnTracked,
  waitUntil,
  type TrackedProcess,
} from './processes';
import { startTokenServer, type RunningTokenServer, type TokenUser } from './tokenServer';

export interface RunningRegistry {
  /** `127.0.0.1:PORT`: the endpoint a vendor would type. */
  host: string;
  /** `https://127.0.0.1:PORT` or `http://127.0.0.1:PORT`. */
  url: string;
  /** PEM of the CA that signed the registry's certificate (TLS registries only). */
  caFile?: string;
  /** The registry's storage root. */
  dataDir: string;
  /** The registry's own output, for debugging a failing test. */
  logFile: string;
  stop(): Promise<void>;
}

export interface TokenRegistry extends RunningRegistry {
  tokenServer: { url: string; readonly requests: number };
  /** A user allowed to push and pull every repository, for seeding images. */
  admin: { username: string; password: string };
}

const REGISTRY_BINARY = '/usr/bin/docker-registry';

/** JSON strings are valid YAML scalars, which keeps paths with odd characters safe. */
const q = (value: string): string => JSON.stringify(value);

interface LaunchPlan {
  dir: string;
  /** Builds the YAML config for a given port. */
  config(port: number): string;
  caFile?: string;
  tls: boolean;
  cleanup?: () => Promise<void>;
  /** Try this port first (the demo keeps its registry's address between runs); any free one otherwise. */
  preferredPort?: number;
}

async function launchRegistry(plan: LaunchPlan): Promise<RunningRegistry> {
  const dataDir = path.join(plan.dir, 'data');
  mkdirSync(dataDir, { recursive: true });
  const logFile = path.join(plan.dir, 'registry.log');
  const configFile = path.join(plan.dir, 'config.yml');
  let lastFailure = '';
  // The port is free when we pick it, but another process may bind it before the registry does: retry.
  for (let attempt = 1; attempt <= 5; attempt += 1) {
    const port = attempt === 1 && plan.preferredPort ? plan.preferredPort : await findFreePort();
    writeFileSync(configFile, plan.config(port));
    const processHandle: TrackedProcess = spawnTracked(REGISTRY_BINARY, ['serve', configFile], logFile, {
      // The registry reads REGISTRY_* variables as config overrides; do not let the caller's leak in.
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    });
    const url = `${plan.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
    try {
      await waitUntil(`the registry on ${url} to answer GET /v2/`, async () => {
        if (processHandle.hasExited()) throw new Error(`docker-registry exited (${String(await processHandle.exited)})`);
        const status = await probeStatus(`${url}/v2/`, plan.caFile);
        return status === 200 || status === 401;
      });
    } catch (err) {
      await processHandle.stop();
      const log = readTail(logFile);
      lastFailure = `${err instanceof Error ? err.message : String(err)}\n--- ${logFile} ---\n${log}`;
      if (/address already in use/i.test(log)) {
        writeFileSync(logFile, '');
        continue;
      }
      break;
    }
    return {
      host: `127.0.0.1:${port}`,
      url,
      ...(plan.caFile ? { caFile: plan.caFile } : {}),
      dataDir,
      logFile,
      async stop() {
        await processHandle.stop();
        await plan.cleanup?.();
        removeTempDir(plan.dir);
      },
    };
  }
  await plan.cleanup?.();
  removeTempDir(plan.dir);
  throw new Error(`could not start docker-registry: ${lastFailure}`);
}

function baseConfig(port: number, dataDir: string, cert: ServerCertificate | undefined): string {
  return [
    'version: 0.1',
    'log:',
    '  level: info',
    '  accesslog:',
    '    disabled: false',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${q(dataDir)}`,
    '  delete:',
    '    enabled: true',
    '  maintenance:',
    '    uploadpurging:',
    '      enabled: false',
    'http:',
    `  addr: ${q(`127.0.0.1:${port}`)}`,
    `  secret: ${q(randomBytes(16).toString('hex'))}`,
    ...(cert ? ['  tls:', `    certificate: ${q(cert.certFile)}`, `    key: ${q(cert.keyFile)}`] : []),
    'health:',
    '  storagedriver:',
    '    enabled: false',
  ].join('\n');
}

/** bcrypt entries (the only kind distribution accepts), with each password fed on stdin, not argv. */
async function writeHtpasswd(file: string, users: Record<string, string>): Promise<void> {
  const lines: string[] = [];
  for (const [username, password] of Object.entries(users)) {
    const { stdout } = await runChecked('htpasswd', ['-Bin', username], { input: `${password}\n` });
    lines.push(stdout.trim());
  }
  writeFileSync(file, `${lines.join('\n')}\n`, { mode: 0o600 });
}

/** A registry with htpasswd (Basic) auth; with `tls`, served with a certificate from a fresh CA (`caFile`). */
export async function startHtpasswdRegistry(opts: { tls: boolean; users: Record<string, string>; preferredPort?: number }): Promise<RunningRegistry> {
  assertToolsInstalled();
  const dir = makeTempDir('htpasswd-registry');
  try {
    const cert = opts.tls ? await createServerCertificate(dir) : undefined;
    const htpasswdFile = path.join(dir, 'htpasswd');
    await writeHtpasswd(htpasswdFile, opts.users);
    const dataDir = path.join(dir, 'data');
    return await launchRegistry({
      dir,
      tls: opts.tls,
      ...(cert ? { caFile: cert.caFile } : {}),
      ...(opts.preferredPort ? { preferredPort: opts.preferredPort } : {}),
      config: (port) =>
        [baseConfig(port, dataDir, cert), 'auth:', '  htpasswd:', `    realm: ${q('harness-registry')}`, `    path: ${q(htpasswdFile)}`, ''].join('\n'),
    });
  } catch (err) {
    removeTempDir(dir);
    throw err;
  }
}

export interface TokenRegistryOptions {
  users: Record<string, { password: string; pull: string[] }>;
  /** Repositories (or globs) anyone may pull without logging in. */
  anonymousPull?: string[];
  /** Serve the registry and its token server over https (CA in `caFile`). Default: plain http. */
  tls?: boolean;
  /** Lifetime of issued tokens (default 300 s). */
  tokenExpiresInSeconds?: number;
}

/** A registry with token auth; its token server runs in this process and grants only each user's scopes. */
export async function startTokenRegistry(opts: TokenRegistryOptions): Promise<TokenRegistry> {
  assertToolsInstalled();
  const dir = makeTempDir('token-registry');
  const service = 'harness-registry';
  const issuer = 'harness-token-issuer';
  const admin = { username: 'harness-admin', password: randomBytes(12).toString('hex') };
  let tokenServer: RunningTokenServer | undefined;
  try {
    const cert = opts.tls ? await createServerCertificate(dir) : undefined;
    const signing = await createSigningCertificate(dir);
    const users: Record<string, TokenUser> = { [admin.username]: { password: admin.password, pull: ['*'], push: ['*'] } };
    for (const [username, user] of Object.entries(opts.users)) users[username] = { password: user.password, pull: user.pull };
    tokenServer = await startTokenServer({
      users,
      ...(opts.anonymousPull ? { anonymousPull: opts.anonymousPull } : {}),
      issuer,
      service,
      signingCertFile: signing.certFile,
      signingKeyFile: signing.keyFile,
      ...(cert ? { tls: { certFile: cert.certFile, keyFile: cert.keyFile } } : {}),
      ...(opts.tokenExpiresInSeconds ? { expiresInSeconds: opts.tokenExpiresInSeconds } : {}),
    });
    const runningTokenServer = tokenServer;
    const dataDir = path.join(dir, 'data');
    const registry = await launchRegistry({
      dir,
      tls: Boolean(cert),
      ...(cert ? { caFile: cert.caFile } : {}),
      config: (port) =>
        [
          baseConfig(port, dataDir, cert),
          'auth:',
          '  token:',
          `    realm: ${q(runningTokenServer.url)}`,
          `    service: ${q(service)}`,
          `    issuer: ${q(issuer)}`,
          `    rootcertbundle: ${q(signing.certFile)}`,
          '',
        ].join('\n'),
      cleanup: () => runningTokenServer.stop(),
    });
    return { ...registry, tokenServer: runningTokenServer, admin };
  } catch (err) {
    await tokenServer?.stop();
    removeTempDir(dir);
    throw err;
  }
}
