/** Certificates made with openssl: a throwaway CA and a server certificate, and a token-signing certificate. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { runChecked } from './processes';

export interface ServerCertificate {
  /** PEM of the self-signed CA that signed the server certificate: what a client must trust. */
  caFile: string;
  certFile: string;
  keyFile: string;
}

/** A CA and a server certificate for 127.0.0.1 and localhost (subjectAltName; more IPs with `ips`), valid two days. */
export async function createServerCertificate(dir: string, options: { ips?: string[] } = {}): Promise<ServerCertificate> {
  const ips = options.ips ?? ['127.0.0.1'];
  const caKey = path.join(dir, 'ca.key');
  const caFile = path.join(dir, 'ca.crt');
  const keyFile = path.join(dir, 'server.key');
  const csrFile = path.join(dir, 'server.csr');
  const certFile = path.join(dir, 'server.crt');
  const extFile = path.join(dir, 'server.ext');
  await runChecked('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', caKey, '-out', caFile, '-days', '2',
    '-subj', '/CN=Replicated Registries test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  await runChecked('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', csrFile, '-subj', `/CN=${ips[0] ?? '127.0.0.1'}`]);
  writeFileSync(
    extFile,
    `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=${ips.map((ip) => `IP:${ip}`).join(',')},DNS:localhost\n`,
  );
  await runChecked('openssl', [
    'x509', '-req', '-in', csrFile, '-CA', caFile, '-CAkey', caKey, '-CAcreateserial', '-out', certFile, '-days', '2', '-extfile', extFile,
  ]);
  return { caFile, certFile, keyFile };
}

export interface SigningCertificate {
  certFile: string;
  keyFile: string;
}

/** A self-signed RSA certificate the token server signs JWTs with; the registry trusts it as its root bundle. */
export async function createSigningCertificate(dir: string): Promise<SigningCertificate> {
  const keyFile = path.join(dir, 'token-signing.key');
  const certFile = path.join(dir, 'token-signing.crt');
  await runChecked('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=Replicated Registries test token issuer',
  ]);
  return { certFile, keyFile };
}
