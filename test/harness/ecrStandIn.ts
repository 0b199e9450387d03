/**
 * A LOCAL STAND-IN FOR AWS's hosted ECR API (`https://api.ecr.<region>.amazonaws.com/`), which tests cannot
 * reach. It implements only `GetAuthorizationToken` as AWS documents it: a SigV4-signed POST (service `ecr`)
 * with `X-Amz-Target: AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken` and
 * `Content-Type: application/x-amz-json-1.1`. It recomputes the signature with the known secret key and
 * answers `{authorizationData:[{authorizationToken: base64("AWS:<password>"), expiresAt, proxyEndpoint}]}`,
 * or an AWS-shaped JSON error (403 for a bad signature or unknown key) — so the client's SigV4 code is
 * exercised for real, not mocked.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface EcrStandInOptions {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** The registry password the token encodes (`AWS:<registryPassword>`). */
  registryPassword: string;
  /** What `proxyEndpoint` says (default: a made-up `https://123456789012.dkr.ecr.<region>.amazonaws.com`). */
  proxyEndpoint?: string;
  /** Token lifetime (AWS: 12 hours). */
  expiresInSeconds?: number;
}

export interface RunningEcrStandIn {
  /** `http://127.0.0.1:PORT/` — what the client should use instead of `https://api.ecr.<region>.amazonaws.com/`. */
  url: string;
  /** Requests received (any outcome). */
  readonly requests: number;
  /** Requests that passed signature verification and got a token. */
  readonly tokensIssued: number;
  stop(): Promise<void>;
}

const TARGET = 'AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken';
const CONTENT_TYPE = 'application/x-amz-json-1.1';
const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data).digest();

/** RFC 3986 encoding as SigV4 wants it (also escapes !'()*). */
function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalQuery(search: URLSearchParams): string {
  return [...search.entries()]
    .map(([key, value]) => [uriEncode(key), uriEncode(value)] as const)
    .sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : 1) : a < b ? -1 : 1))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
}

interface AwsError {
  status: number;
  type: string;
  message: string;
}

/** Recomputes the SigV4 signature of `req` + `body`; returns an AWS error, or undefined when it verifies. */
function verifySignature(req: http.IncomingMessage, body: Buffer, options: EcrStandInOptions): AwsError | undefined {
  const authorization = req.headers.authorization ?? '';
  const match = /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/.exec(authorization);
  if (!match) return { status: 403, type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' };
  const [, credential = '', signedHeadersList = '', signature = ''] = match;
  const [accessKeyId, date, region, service, terminator] = credential.split('/');
  if (accessKeyId !== options.accessKeyId) {
    return { status: 403, type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' };
  }
  if (region !== options.region || service !== 'ecr' || terminator !== 'aws4_request') {
    return { status: 403, type: 'InvalidSignatureException', message: `Credential should be scoped to a valid region and service 'ecr' (got ${region}/${service}).` };
  }
  const amzDate = String(req.headers['x-amz-date'] ?? '');
  const parsed = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!parsed || amzDate.slice(0, 8) !== date) return { status: 403, type: 'IncompleteSignatureException', message: 'X-Amz-Date is missing or does not match the credential scope date.' };
  const signedAt = Date.UTC(Number(parsed[1]), Number(parsed[2]) - 1, Number(parsed[3]), Number(parsed[4]), Number(parsed[5]), Number(parsed[6]));
  if (Math.abs(Date.now() - signedAt) > MAX_CLOCK_SKEW_MS) return { status: 403, type: 'InvalidSignatureException', message: 'Signature expired: the request time is too far from the current time.' };
  const signedHeaders = signedHeadersList.split(';');
  for (const required of ['host', 'x-amz-date']) {
    if (!signedHeaders.includes(required)) return { status: 403, type: 'IncompleteSignatureException', message: `The request signature must sign the ${required} header.` };
  }
  const canonicalHeaders = signedHeaders
    .map((name) => {
      const value = req.headers[name];
      const text = Array.isArray(value) ? value.join(',') : (value ?? '');
      return `${name}:${text.trim().replace(/\s+/g, ' ')}\n`;
    })
    .join('');
  const url = new URL(req.url ?? '/', 'http://stand-in.invalid');
  const canonicalRequest = [req.method, url.pathname.split('/').map(uriEncode).join('/') || '/', canonicalQuery(url.searchParams), canonicalHeaders, signedHeadersList, sha256Hex(body)].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, `${date}/${region}/${service}/aws4_request`, sha256Hex(canonicalRequest)].join('\n');
  let key = hmac(`AWS4${options.secretAccessKey}`, date ?? '');
  for (const part of [region ?? '', service ?? '', 'aws4_request']) key = hmac(key, part);
  const expected = Buffer.from(createHmac('sha256', key).update(stringToSign).digest('hex'));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return {
      status: 403,
      type: 'InvalidSignatureException',
      message: 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
    };
  }
  return undefined;
}

export async function startEcrStandIn(options: EcrStandInOptions): Promise<RunningEcrStandIn> {
  let requests = 0;
  let tokensIssued = 0;
  const server = http.createServer((req, res) => {
    requests += 1;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => {
      const body = Buffer.concat(chunks);
      const fail = (error: AwsError): void => {
        res.writeHead(error.status, { 'Content-Type': CONTENT_TYPE, 'x-amzn-ErrorType': error.type });
        res.end(JSON.stringify({ __type: error.type, message: error.message }));
      };
      if (req.method !== 'POST') return fail({ status: 404, type: 'UnknownOperationException', message: `only POST is supported, not ${req.method}` });
      if (req.headers['x-amz-target'] !== TARGET) return fail({ status: 400, type: 'UnknownOperationException', message: `unknown operation ${String(req.headers['x-amz-target'])}` });
      if (!String(req.headers['content-type'] ?? '').startsWith(CONTENT_TYPE)) {
        return fail({ status: 400, type: 'SerializationException', message: `Content-Type must be ${CONTENT_TYPE}` });
      }
      const signatureError = verifySignature(req, body, options);
      if (signatureError) return fail(signatureError);
      tokensIssued += 1;
      const expiresAt = Math.floor(Date.now() / 1000) + (options.expiresInSeconds ?? 12 * 3600);
      res.writeHead(200, { 'Content-Type': CONTENT_TYPE });
      res.end(
        JSON.stringify({
          authorizationData: [
            {
              authorizationToken: Buffer.from(`AWS:${options.registryPassword}`).toString('base64'),
              expiresAt,
              proxyEndpoint: options.proxyEndpoint ?? `https://123456789012.dkr.ecr.${options.region}.amazonaws.com`,
            },
          ],
        }),
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    get requests() {
      return requests;
    },
    get tokensIssued() {
      return tokensIssued;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Signs a GetAuthorizationToken request the way the AWS SDK does; used by harness.test.ts to prove the
 * stand-in accepts a correct signature and rejects a wrong one (independent of the client under test).
 */
export function signGetAuthorizationToken(url: string, region: string, accessKeyId: string, secretAccessKey: string, now = new Date()): Record<string, string> {
  const target = new URL(url);
  const amzDate = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const date = amzDate.slice(0, 8);
  const body = '{}';
  const headers: Record<string, string> = { 'content-type': CONTENT_TYPE, host: target.host, 'x-amz-date': amzDate, 'x-amz-target': TARGET };
  const names = Object.keys(headers).sort();
  const canonicalRequest = ['POST', target.pathname || '/', '', names.map((n) => `${n}:${headers[n]}\n`).join(''), names.join(';'), sha256Hex(body)].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, `${date}/${region}/ecr/aws4_request`, sha256Hex(canonicalRequest)].join('\n');
  let key = hmac(`AWS4${secretAccessKey}`, date);
  for (const part of [region, 'ecr', 'aws4_request']) key = hmac(key, part);
  const signature = createHmac('sha256', key).update(stringToSign).digest('hex');
  return { ...headers, authorization: `AWS4-HMAC-SHA256 Credential=${accessKeyId}/${date}/${region}/ecr/aws4_request, SignedHeaders=${names.join(';')}, Signature=${signature}` };
}
