/**
 * Seeding registries with images: an OCI image layout built here from scratch (a gzip layer tar, a config
 * whose rootfs.diff_ids matches it, a manifest, optionally a two-platform index), pushed with `skopeo copy`,
 * plus `tagImage` which adds tags to an existing manifest through the registry API (fast seeding for benches).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { makeTempDir, removeTempDir, runChecked } from './processes';
import type { RunningRegistry } from './registries';

export const MEDIA_TYPES = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
} as const;

/** Every manifest type, as a pull client must send it (distribution 2.8 hides OCI manifests otherwise). */
export const MANIFEST_ACCEPT = [MEDIA_TYPES.ociIndex, MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerManifestList, MEDIA_TYPES.dockerManifest].join(', ');

export type ImageFormat = 'oci' | 'docker-v2' | 'index';

export interface PushImageOptions {
  repository: string;
  tag: string;
  format: ImageFormat;
  username: string;
  password: string;
}

export interface PushedImage {
  /** The manifest digest the registry stores (what `Docker-Content-Digest` says). */
  digest: string;
  mediaType: string;
}

const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

/** A minimal ustar archive: one regular file per entry, then the two zero blocks that end an archive. */
function buildTar(files: Array<{ name: string; content: Buffer }>): Buffer {
  const blocks: Buffer[] = [];
  for (const file of files) {
    const header = Buffer.alloc(512);
    header.write(file.name, 0, 100, 'utf8');
    header.write('0000644\0', 100, 'ascii');
    header.write('0000000\0', 108, 'ascii');
    header.write('0000000\0', 116, 'ascii');
    header.write(`${file.content.length.toString(8).padStart(11, '0')}\0`, 124, 'ascii');
    header.write(`${Math.floor(Date.UTC(2024, 0, 1) / 1000).toString(8).padStart(11, '0')}\0`, 136, 'ascii');
    header.write('        ', 148, 'ascii'); // checksum field counts as spaces while summing
    header.write('0', 156, 'ascii');
    header.write('ustar\0', 257, 'ascii');
    header.write('00', 263, 'ascii');
    let checksum = 0;
    for (const byte of header) checksum += byte;
    header.write(`${checksum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
    blocks.push(header, file.content);
    const padding = (512 - (file.content.length % 512)) % 512;
    if (padding) blocks.push(Buffer.alloc(padding));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os: string; architecture: string };
  annotations?: Record<string, string>;
}

class OciLayoutWriter {
  constructor(private readonly dir: string) {
    mkdirSync(path.join(dir, 'blobs', 'sha256'), { recursive: true });
    writeFileSync(path.join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  }

  writeBlob(mediaType: string, data: Buffer | string): Descriptor {
    const hex = sha256(data);
    writeFileSync(path.join(this.dir, 'blobs', 'sha256', hex), data);
    return { mediaType, digest: `sha256:${hex}`, size: Buffer.byteLength(data) };
  }

  /** One single-platform image; the layer content is unique per call so every image has its own digest. */
  writeImage(label: string, architecture: string): Descriptor {
    const tar = buildTar([{ name: 'hello.txt', content: Buffer.from(`hello from ${label} (${architecture}) ${randomBytes(8).toString('hex')}\n`) }]);
    const layer = this.writeBlob(MEDIA_TYPES.ociLayerGzip, gzipSync(tar));
    const config = this.writeBlob(
      MEDIA_TYPES.ociConfig,
      JSON.stringify({
        // When it was built, as every real image config says (the Registries view shows tags' ages from it).
        created: new Date().toISOString(),
        architecture,
        os: 'linux',
        config: { Cmd: ['/bin/sh'] },
        rootfs: { type: 'layers', diff_ids: [`sha256:${sha256(tar)}`] },
        history: [{ created_by: 'replicated-registries test harness' }],
      }),
    );
    const manifest = { schemaVersion: 2, mediaType: MEDIA_TYPES.ociManifest, config, layers: [layer] };
    return { ...this.writeBlob(MEDIA_TYPES.ociManifest, JSON.stringify(manifest)), platform: { os: 'linux', architecture } };
  }

  writeIndex(tag: string, entry: Descriptor): void {
    const annotated = { ...entry, annotations: { 'org.opencontainers.image.ref.name': tag } };
    writeFileSync(path.join(this.dir, 'index.json'), JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests: [annotated] }));
  }
}

/** Writes a Docker-style auth file (mode 0600) so skopeo gets the credentials without them in its argv. */
function writeAuthFile(dir: string, host: string, username: string, password: string): string {
  const file = path.join(dir, 'auth.json');
  writeFileSync(file, JSON.stringify({ auths: { [host]: { auth: Buffer.from(`${username}:${password}`).toString('base64') } } }), { mode: 0o600 });
  return file;
}

/** skopeo flags that make it trust the registry's CA (TLS) or allow plain http. */
function skopeoTlsFlags(reg: RunningRegistry, workDir: string, direction: 'dest' | 'src' | 'inspect'): string[] {
  const prefix = direction === 'inspect' ? '--' : `--${direction}-`;
  // tls-verify=false is also what lets skopeo speak plain http to a registry.
  if (!reg.url.startsWith('https:') || !reg.caFile) return [`${prefix}tls-verify=false`];
  const certDir = path.join(workDir, 'certs');
  mkdirSync(certDir, { recursive: true });
  writeFileSync(path.join(certDir, 'ca.crt'), readFileSync(reg.caFile));
  return [`${prefix}cert-dir=${certDir}`];
}

/** An index is copied whole (`--all`: both platforms, not just this machine's); a single image is converted as asked. */
const FORMAT_FLAGS: Record<ImageFormat, string[]> = { oci: ['--format=oci'], 'docker-v2': ['--format=v2s2'], index: ['--all'] };

/** Builds an image in an OCI layout and pushes it with skopeo. Returns the digest the registry stores. */
export async function pushImage(reg: RunningRegistry, opts: PushImageOptions): Promise<PushedImage> {
  const workDir = makeTempDir('push');
  try {
    const layoutDir = path.join(workDir, 'layout');
    const layout = new OciLayoutWriter(layoutDir);
    const label = `${opts.repository}:${opts.tag}`;
    if (opts.format === 'index') {
      const platforms = [layout.writeImage(label, 'amd64'), layout.writeImage(label, 'arm64')];
      const index = layout.writeBlob(MEDIA_TYPES.ociIndex, JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests: platforms }));
      layout.writeIndex(opts.tag, index);
    } else {
      const image = layout.writeImage(label, 'amd64');
      const { platform: _platform, ...plain } = image;
      layout.writeIndex(opts.tag, plain);
    }
    const authFile = writeAuthFile(workDir, reg.host, opts.username, opts.password);
    const digestFile = path.join(workDir, 'digest');
    await runChecked(
      'skopeo',
      [
        '--insecure-policy',
        'copy',
        '--quiet',
        `--authfile=${authFile}`,
        `--digestfile=${digestFile}`,
        ...skopeoTlsFlags(reg, workDir, 'dest'),
        ...FORMAT_FLAGS[opts.format],
        `oci:${layoutDir}:${opts.tag}`,
        `docker://${reg.host}/${opts.repository}:${opts.tag}`,
      ],
      { env: skopeoEnv(workDir) },
    );
    const mediaType = opts.format === 'oci' ? MEDIA_TYPES.ociManifest : opts.format === 'docker-v2' ? MEDIA_TYPES.dockerManifest : MEDIA_TYPES.ociIndex;
    return { digest: readFileSync(digestFile, 'utf8').trim(), mediaType };
  } finally {
    removeTempDir(workDir);
  }
}

/** skopeo must never read the user's own registries' credentials or config: point its homes at the temp dir. */
export function skopeoEnv(workDir: string): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: workDir, XDG_RUNTIME_DIR: workDir, DOCKER_CONFIG: path.join(workDir, 'docker'), TMPDIR: workDir };
}

/** Runs `skopeo inspect --raw` on a reference of `reg` with credentials through an auth file. */
export async function skopeoInspectRaw(reg: RunningRegistry, reference: string, username: string, password: string): Promise<string> {
  const workDir = makeTempDir('inspect');
  try {
    const authFile = writeAuthFile(workDir, reg.host, username, password);
    const { stdout } = await runChecked(
      'skopeo',
      ['inspect', '--raw', `--authfile=${authFile}`, ...skopeoTlsFlags(reg, workDir, 'inspect'), `docker://${reg.host}/${reference}`],
      { env: skopeoEnv(workDir) },
    );
    return stdout;
  } finally {
    removeTempDir(workDir);
  }
}

/**
 * A small independent registry client for seeding (not the code under test): answers Basic or Bearer
 * challenges with the given push-capable login.
 */
export class SeedingClient {
  private readonly tokens = new Map<string, string>();
  private basic: string | undefined;

  constructor(
    private readonly reg: RunningRegistry,
    private readonly username: string,
    private readonly password: string,
  ) {}

  private send(method: string, url: string, headers: Record<string, string>, body?: Buffer): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const target = new URL(url);
      const options = { method, headers, agent: false as const, ...(target.protocol === 'https:' && this.reg.caFile ? { ca: readFileSync(this.reg.caFile) } : {}) };
      const request = target.protocol === 'https:' ? https.request(target, options) : http.request(target, options);
      request.once('response', (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.once('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
        response.once('error', reject);
      });
      request.once('error', reject);
      request.end(body);
    });
  }

  private async authorize(challenge: string, scope: string): Promise<string> {
    const login = Buffer.from(`${this.username}:${this.password}`).toString('base64');
    if (/^basic/i.test(challenge)) {
      this.basic = `Basic ${login}`;
      return this.basic;
    }
    const realm = /realm="([^"]+)"/.exec(challenge)?.[1];
    const service = /service="([^"]+)"/.exec(challenge)?.[1];
    if (!realm) throw new Error(`seeding: unexpected challenge "${challenge}"`);
    const tokenUrl = new URL(realm);
    if (service) tokenUrl.searchParams.set('service', service);
    tokenUrl.searchParams.set('scope', scope);
    const answer = await this.send('GET', tokenUrl.toString(), { Authorization: `Basic ${login}` });
    if (answer.status !== 200) throw new Error(`seeding: the token server answered ${answer.status}: ${answer.body.toString('utf8')}`);
    const { token } = JSON.parse(answer.body.toString('utf8')) as { token: string };
    const header = `Bearer ${token}`;
    this.tokens.set(scope, header);
    return header;
  }

  /** One registry request with auth, answering a 401 challenge once. */
  async request(method: string, repository: string, pathAfterName: string, headers: Record<string, string> = {}, body?: Buffer) {
    const scope = `repository:${repository}:pull,push`;
    const url = `${this.reg.url}/v2/${repository}/${pathAfterName}`;
    const known = this.basic ?? this.tokens.get(scope);
    let answer = await this.send(method, url, { ...headers, ...(known ? { Authorization: known } : {}) }, body);
    if (answer.status === 401) {
      const challenge = String(answer.headers['www-authenticate'] ?? '');
      answer = await this.send(method, url, { ...headers, Authorization: await this.authorize(challenge, scope) }, body);
    }
    return answer;
  }
}

/**
 * Adds `tags` to the manifest that `repository:fromReference` points at, by GET + PUT of the manifest
 * bytes through the registry API (no blob copies, one round trip per tag). Returns the digest.
 */
export async function tagImage(
  reg: RunningRegistry,
  opts: { repository: string; fromReference: string; tags: string[]; username: string; password: string },
): Promise<string> {
  const client = new SeedingClient(reg, opts.username, opts.password);
  const manifest = await client.request('GET', opts.repository, `manifests/${opts.fromReference}`, { Accept: MANIFEST_ACCEPT });
  if (manifest.status !== 200) throw new Error(`tagImage: GET manifest ${opts.repository}:${opts.fromReference} answered ${manifest.status}: ${manifest.body.toString('utf8')}`);
  const contentType = String(manifest.headers['content-type'] ?? MEDIA_TYPES.ociManifest);
  for (const tag of opts.tags) {
    const put = await client.request('PUT', opts.repository, `manifests/${tag}`, { 'Content-Type': contentType }, manifest.body);
    if (put.status !== 201) throw new Error(`tagImage: PUT manifest ${opts.repository}:${tag} answered ${put.status}: ${put.body.toString('utf8')}`);
  }
  return `sha256:${sha256(manifest.body)}`;
}
