import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type CertificateIssuer, caCertificate } from './certificates.ts';
import { withFileLock } from './file-lock.ts';

/** The local CA's subject: what a device's certificate names as issuer. */
export const LOCAL_CA_NAME = 'streamlake local IoT CA';

/** Where a state folder keeps the local IoT files: the CA, the registry and each device's credentials. */
export const iotFolder = (stateDir: string): string => join(stateDir, 'iot');

/**
 * The registry's lock: taken by whoever creates the CA or changes registry.json (file-lock.ts). `create` makes
 * the folder it lives in first.
 */
export const iotLock = (stateDir: string, { create = false } = {}): string => {
  if (create) mkdirSync(iotFolder(stateDir), { recursive: true });
  return join(iotFolder(stateDir), '.lock');
};

export interface LocalCa {
  readonly certificatePem: string;
  /** What signs device and server certificates. */
  readonly issuer: CertificateIssuer;
}

/** Writes through a temporary file and a rename, so a reader in another process never sees half a file. */
export const writeFileAtomically = (file: string, text: string, mode = 0o644): void => {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode });
  renameSync(temporary, file);
};

const caFiles = (stateDir: string) => ({
  certificate: join(iotFolder(stateDir), 'ca.pem'),
  key: join(iotFolder(stateDir), 'ca.key.pem'),
});

const readCa = (files: ReturnType<typeof caFiles>): LocalCa => ({
  certificatePem: readFileSync(files.certificate, 'utf8'),
  issuer: { commonName: LOCAL_CA_NAME, privateKey: createPrivateKey(readFileSync(files.key, 'utf8')) },
});

/**
 * The state folder's CA, made on first use (an RSA 2048 key, ≈ 135 ms once) and kept: every device certificate
 * issued before a restart stays valid. Two processes starting at once agree on one CA (the registry's lock).
 */
export const localCa = (stateDir: string): LocalCa => {
  const files = caFiles(stateDir);
  if (existsSync(files.certificate) && existsSync(files.key)) return readCa(files);
  return withFileLock(iotLock(stateDir, { create: true }), () => {
    if (existsSync(files.certificate) && existsSync(files.key)) return readCa(files);
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const certificatePem = caCertificate(LOCAL_CA_NAME, privateKey);
    writeFileAtomically(files.key, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, 0o600);
    writeFileAtomically(files.certificate, certificatePem);
    return { certificatePem, issuer: { commonName: LOCAL_CA_NAME, privateKey: privateKey as KeyObject } };
  });
};
