/**
 * The Docker credential store, read and written the way the `docker` CLI does:
 * `$DOCKER_CONFIG/config.json` (else `~/.docker/config.json`); `credHelpers[host]`, then
 * `credsStore`, then `auths`. Writes go through the configured helper, else into `auths` with
 * mode 0600, keeping every other key and the file's indentation.
 *
 * Logins are found by the registry host alone, as Docker does: an entry's `provider` (from a
 * committed file) never selects one. A `provider: dockerhub` entry whose endpoint is another host
 * gets that host's login, if any, never the Docker Hub one.
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { registerSecret, silentLogger, type Logger } from '../../log/logger';
import type { Credentials } from '../types';
import { DEFAULT_HELPER_TIMEOUT_MS, helperErase, helperGet, helperList, helperProgram, helperStore, type HelperOptions } from './credentialHelper';
import { CredentialSourceError, type CredentialLookup, type CredentialSource } from './types';

/** The key `docker login` uses for Docker Hub. */
export const DOCKER_HUB_AUTH_KEY = 'https://index.docker.io/v1/';
const DOCKER_HUB_HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

export interface DockerCredentialStoreOptions {
  /** Environment for DOCKER_CONFIG, HOME and the helpers' PATH (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** The config folder; default `$DOCKER_CONFIG`, else `~/.docker`. */
  configDir?: string;
  helperTimeoutMs?: number;
  logger?: Logger;
}

/** Where a secret was stored or erased, for messages (never the secret). */
export interface CredentialLocation {
  kind: 'helper' | 'config';
  /** `docker-credential-<name>` when kind is `helper`. */
  helper?: string;
  configPath: string;
  /** `docker-credential-pass` / `/home/me/.docker/config.json`. */
  description: string;
}

interface DockerConfigFile {
  auths?: Record<string, { auth?: string; identitytoken?: string; username?: string; password?: string; [key: string]: unknown }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
  [key: string]: unknown;
}

/** `https://Index.Docker.io/v1/` → `index.docker.io`; `host:5000` stays `host:5000`. */
export function dockerConfigKeyHost(key: string): string {
  let host = key.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const slash = host.indexOf('/');
  if (slash >= 0) host = host.slice(0, slash);
  return host.toLowerCase();
}

function isDockerHubHost(host: string): boolean {
  return DOCKER_HUB_HOSTS.has(host);
}

function hostsMatch(a: string, b: string): boolean {
  return a === b || (isDockerHubHost(a) && isDockerHubHost(b));
}

/** The server URL docker uses for a registry: Docker Hub's legacy URL, else the host as typed. */
export function dockerServerUrl(endpoint: string): string {
  const host = dockerConfigKeyHost(endpoint);
  return isDockerHubHost(host) ? DOCKER_HUB_AUTH_KEY : host;
}

export class DockerCredentialStore implements CredentialSource {
  readonly name = 'docker-config';
  readonly configDir: string;
  readonly configPath: string;
  private readonly env: NodeJS.ProcessEnv;
  private readonly timeoutMs: number;
  private readonly logger: Logger;

  constructor(options: DockerCredentialStoreOptions = {}) {
    this.env = options.env ?? process.env;
    const home = this.env.HOME || this.env.USERPROFILE || os.homedir();
    this.configDir = options.configDir ?? (this.env.DOCKER_CONFIG ? path.resolve(this.env.DOCKER_CONFIG) : path.join(home, '.docker'));
    this.configPath = path.join(this.configDir, 'config.json');
    this.timeoutMs = options.helperTimeoutMs ?? DEFAULT_HELPER_TIMEOUT_MS;
    this.logger = options.logger ?? silentLogger;
  }

  async get(entry: CredentialLookup): Promise<Credentials | undefined> {
    const host = dockerConfigKeyHost(entry.endpoint);
    const dockerHub = isDockerHubHost(host);
    const { config } = this.read();
    const serverUrls = dockerHub ? [DOCKER_HUB_AUTH_KEY] : [host, `https://${host}`];

    const helper = this.helperFor(config, host);
    if (helper) {
      const options = this.helperOptions(`credHelpers["${helper.key}"] in ${this.configPath}`);
      for (const serverUrl of serverUrls) {
        const found = await helperGet(helper.name, serverUrl, options);
        if (found) return found;
      }
      this.logger.debug(`${helperProgram(helper.name)} has no credentials for ${host}`);
    }
    if (typeof config.credsStore === 'string' && config.credsStore !== '') {
      const options = this.helperOptions(`credsStore in ${this.configPath}`);
      for (const serverUrl of serverUrls) {
        const found = await helperGet(config.credsStore, serverUrl, options);
        if (found) return found;
      }
      this.logger.debug(`${helperProgram(config.credsStore)} has no credentials for ${host}`);
    }
    return this.fromAuths(config, host, dockerHub);
  }

  /** Stores credentials the way `docker login` does; returns where they went. */
  async store(endpoint: string, credentials: Credentials): Promise<CredentialLocation> {
    const host = dockerConfigKeyHost(endpoint);
    const serverUrl = dockerServerUrl(endpoint);
    const { config, raw } = this.read();
    const helperName = this.helperFor(config, host)?.name ?? (typeof config.credsStore === 'string' && config.credsStore !== '' ? config.credsStore : undefined);
    if (helperName) {
      await helperStore(helperName, serverUrl, credentials, this.helperOptions(`configured in ${this.configPath}`));
      return { kind: 'helper', helper: helperProgram(helperName), configPath: this.configPath, description: helperProgram(helperName) };
    }
    const auths = { ...(config.auths ?? {}) };
    const { identitytoken: _identityToken, username: _username, password: _password, auth: _auth, ...keep } = auths[serverUrl] ?? {};
    auths[serverUrl] = { ...keep, auth: Buffer.from(`${credentials.username}:${credentials.secret}`, 'utf8').toString('base64') };
    this.write({ ...config, auths }, raw);
    return { kind: 'config', configPath: this.configPath, description: this.configPath };
  }

  /** Removes the stored credentials for a registry; undefined when none were stored. */
  async erase(endpoint: string): Promise<CredentialLocation | undefined> {
    const host = dockerConfigKeyHost(endpoint);
    const dockerHub = isDockerHubHost(host);
    const { config, raw } = this.read();
    const helperName = this.helperFor(config, host)?.name ?? (typeof config.credsStore === 'string' && config.credsStore !== '' ? config.credsStore : undefined);
    let erasedBy: CredentialLocation | undefined;
    if (helperName) {
      const options = this.helperOptions(`configured in ${this.configPath}`);
      let erased = false;
      for (const serverUrl of dockerHub ? [DOCKER_HUB_AUTH_KEY] : [host, `https://${host}`]) {
        if (await helperErase(helperName, serverUrl, options)) erased = true;
      }
      if (erased) erasedBy = { kind: 'helper', helper: helperProgram(helperName), configPath: this.configPath, description: helperProgram(helperName) };
    }
    const auths = config.auths ?? {};
    const matching = Object.keys(auths).filter((key) => hostsMatch(dockerConfigKeyHost(key), host) || (dockerHub && isDockerHubHost(dockerConfigKeyHost(key))));
    // With a helper, docker leaves an empty `auths` entry behind; only an entry holding a secret counts as stored here.
    const holdingSecrets = matching.filter((key) => {
      const value = auths[key] ?? {};
      return Boolean(value.auth || value.identitytoken || value.password);
    });
    if (matching.length > 0 && (holdingSecrets.length > 0 || !helperName)) {
      const remaining = { ...auths };
      for (const key of holdingSecrets.length > 0 ? holdingSecrets : matching) delete remaining[key];
      this.write({ ...config, auths: remaining }, raw);
      if (holdingSecrets.length > 0) erasedBy ??= { kind: 'config', configPath: this.configPath, description: this.configPath };
    }
    return erasedBy;
  }

  /** Registry hosts this store knows a login for: `auths`, `credHelpers`, and the `credsStore` helper's list. */
  async listHosts(): Promise<string[]> {
    const { config } = this.read();
    const hosts = new Set<string>();
    for (const key of Object.keys(config.auths ?? {})) hosts.add(dockerConfigKeyHost(key));
    for (const key of Object.keys(config.credHelpers ?? {})) hosts.add(dockerConfigKeyHost(key));
    if (typeof config.credsStore === 'string' && config.credsStore !== '') {
      try {
        const listed = await helperList(config.credsStore, this.helperOptions(`credsStore in ${this.configPath}`));
        for (const url of Object.keys(listed)) hosts.add(dockerConfigKeyHost(url));
      } catch (err) {
        this.logger.warn(`could not list the logins of the Docker credential store: ${(err as Error).message}`);
      }
    }
    hosts.delete('');
    return [...hosts].sort();
  }

  /** Where `store` would put a secret for this endpoint, for prompts and messages. */
  describeStoreLocation(endpoint: string): string {
    const { config } = this.read();
    const helperName = this.helperFor(config, dockerConfigKeyHost(endpoint))?.name ?? (typeof config.credsStore === 'string' && config.credsStore !== '' ? config.credsStore : undefined);
    return helperName ? helperProgram(helperName) : this.configPath;
  }

  private helperOptions(configuredIn: string): HelperOptions {
    return { env: this.env, timeoutMs: this.timeoutMs, configuredIn };
  }

  private helperFor(config: DockerConfigFile, host: string): { key: string; name: string } | undefined {
    for (const [key, name] of Object.entries(config.credHelpers ?? {})) {
      if (typeof name === 'string' && name !== '' && hostsMatch(dockerConfigKeyHost(key), host)) return { key, name };
    }
    return undefined;
  }

  private fromAuths(config: DockerConfigFile, host: string, dockerHub: boolean): Credentials | undefined {
    const auths = config.auths ?? {};
    const keys = Object.keys(auths).filter((key) => hostsMatch(dockerConfigKeyHost(key), host) || (dockerHub && isDockerHubHost(dockerConfigKeyHost(key))));
    // The exact key docker itself writes wins over other spellings of the same host.
    const preferred = dockerHub ? DOCKER_HUB_AUTH_KEY : host;
    keys.sort((a, b) => Number(b === preferred) - Number(a === preferred));
    for (const key of keys) {
      const value = auths[key] ?? {};
      let username = typeof value.username === 'string' ? value.username : '';
      let password = typeof value.password === 'string' ? value.password : '';
      if (typeof value.auth === 'string' && value.auth !== '') {
        const decoded = Buffer.from(value.auth, 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        if (colon < 0) {
          throw new CredentialSourceError('docker-config', `auths["${key}"].auth in ${this.configPath} is not base64 of "user:password"; run \`docker login ${host}\` again`);
        }
        username = decoded.slice(0, colon);
        password = decoded.slice(colon + 1);
      }
      if (password !== '') {
        registerSecret(password);
        return { username, secret: password, origin: 'docker-config' };
      }
      if (typeof value.identitytoken === 'string' && value.identitytoken !== '') {
        // An OAuth2 refresh token from `docker login` with a browser flow: helpers report it with the username `<token>`.
        registerSecret(value.identitytoken);
        return { username: username || '<token>', secret: value.identitytoken, identityToken: value.identitytoken, origin: 'docker-config' };
      }
    }
    return undefined;
  }

  private read(): { config: DockerConfigFile; raw: string | undefined } {
    let raw: string;
    try {
      raw = readFileSync(this.configPath, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { config: {}, raw: undefined };
      throw new CredentialSourceError('docker-config', `cannot read ${this.configPath} (${(err as NodeJS.ErrnoException).code ?? 'error'}); check its permissions`);
    }
    if (raw.trim() === '') return { config: {}, raw };
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      // The parser's message quotes the text, which may hold a secret: say where, not what.
      throw new CredentialSourceError('docker-config', `${this.configPath} is not valid JSON; fix it (or move it away and log in again)`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new CredentialSourceError('docker-config', `${this.configPath} is not a JSON object; fix it (or move it away and log in again)`);
    }
    return { config: parsed as DockerConfigFile, raw };
  }

  /** Atomic write (temp file + rename) with mode 0600, in the file's own indentation. */
  private write(config: DockerConfigFile, previousRaw: string | undefined): void {
    const indent = previousRaw ? (/^\{\s*?\n([ \t]+)"/.exec(previousRaw)?.[1] ?? '\t') : '\t';
    const trailingNewline = previousRaw === undefined ? true : previousRaw.endsWith('\n');
    const text = JSON.stringify(config, null, indent) + (trailingNewline ? '\n' : '');
    mkdirSync(this.configDir, { recursive: true, mode: 0o700 });
    const temp = path.join(this.configDir, `.config.json.${process.pid}.${Date.now()}.tmp`);
    try {
      writeFileSync(temp, text, { mode: 0o600 });
      chmodSync(temp, 0o600);
      renameSync(temp, this.configPath);
    } catch (err) {
      try {
        unlinkSync(temp);
      } catch {
        // Nothing to clean up.
      }
      throw new CredentialSourceError('docker-config', `cannot write ${this.configPath} (${(err as NodeJS.ErrnoException).code ?? 'error'}); check the folder's permissions`);
    }
  }
}
