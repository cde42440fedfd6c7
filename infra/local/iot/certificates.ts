import { createHash, createPublicKey, type KeyObject, randomBytes, sign, X509Certificate } from 'node:crypto';
import forge from 'node-forge';

/** A certificate's subject, validity and extensions: what the local CA puts into the certificates it issues. */
export interface CertificateRequest {
  /** Subject common name: the device id for a device, `streamlake local IoT CA` for the CA. */
  readonly commonName: string;
  /** The key the certificate certifies (any type node:crypto knows: the CA's RSA, a device's EC P-256). */
  readonly publicKey: KeyObject;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** node-forge extension objects (basicConstraints, keyUsage, extKeyUsage, subjectAltName, …). */
  readonly extensions: object[];
}

/** Who signs: the CA's name and RSA private key (the certificate itself when self-signed). */
export interface CertificateIssuer {
  readonly commonName: string;
  readonly privateKey: KeyObject;
}

/** The forge API that builds the to-be-signed part; missing from @types/node-forge, present since forge 0.7. */
const forgePki = forge.pki as typeof forge.pki & {
  getTBSCertificate(certificate: forge.pki.Certificate): forge.asn1.Asn1;
};

/** Position of subjectPublicKeyInfo in TBSCertificate (RFC 5280 §4.1): after version … subject. */
const SUBJECT_PUBLIC_KEY_INFO = 6;

/** A positive 128-bit serial number, as RFC 5280 §4.1.2.2 asks (unique per CA: random). */
const serialNumber = (): string => {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] as number) & 0x7f;
  return bytes.toString('hex');
};

/**
 * Issues an X.509 v3 certificate as PEM. node-forge builds the structure, but only knows RSA keys; so the
 * subject's key is put in as node:crypto's own SubjectPublicKeyInfo (devices get EC P-256 keys: ≈ 1 ms to make,
 * where RSA 2048 takes ≈ 135 ms and forge's own signing ≈ 40 ms) and node:crypto signs (sha256WithRSAEncryption).
 */
export const issueCertificate = (request: CertificateRequest, issuer: CertificateIssuer): string => {
  const certificate = forge.pki.createCertificate();
  certificate.serialNumber = serialNumber();
  certificate.validity.notBefore = request.notBefore;
  certificate.validity.notAfter = request.notAfter;
  certificate.setSubject([{ name: 'commonName', value: request.commonName }]);
  certificate.setIssuer([{ name: 'commonName', value: issuer.commonName }]);
  certificate.setExtensions(request.extensions);
  // A stand-in forge can encode; replaced below by the real key, whatever its type.
  certificate.publicKey = forge.pki.setRsaPublicKey(
    new forge.jsbn.BigInteger('3'),
    new forge.jsbn.BigInteger('3'),
  );
  certificate.signatureOid = forge.pki.oids.sha256WithRSAEncryption as string;
  certificate.siginfo.algorithmOid = certificate.signatureOid;
  const tbs = forgePki.getTBSCertificate(certificate);
  const spki = request.publicKey.export({ type: 'spki', format: 'der' });
  (tbs.value as forge.asn1.Asn1[])[SUBJECT_PUBLIC_KEY_INFO] = forge.asn1.fromDer(spki.toString('binary'));
  const tbsDer = Buffer.from(forge.asn1.toDer(tbs).getBytes(), 'binary');
  certificate.tbsCertificate = tbs;
  certificate.signature = sign('sha256', tbsDer, issuer.privateKey).toString('binary');
  return forge.pki.certificateToPem(certificate);
};

/** The ten years a local CA lives: longer than any state folder. */
const CA_YEARS = 10;

/** The self-signed certificate of a local CA for `privateKey` (RSA). */
export const caCertificate = (commonName: string, privateKey: KeyObject, now = new Date()): string =>
  issueCertificate(
    {
      commonName,
      publicKey: createPublicKey(privateKey),
      notBefore: new Date(now.getTime() - 60_000),
      notAfter: new Date(now.getTime() + CA_YEARS * 365 * 86_400_000),
      extensions: [
        { name: 'basicConstraints', cA: true, critical: true },
        { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
      ],
    },
    { commonName, privateKey },
  );

/** A device's client certificate: subject CN = the device id (the thing name), for TLS client authentication. */
export const deviceCertificate = (
  deviceId: string,
  publicKey: KeyObject,
  issuer: CertificateIssuer,
  now = new Date(),
): string =>
  issueCertificate(
    {
      commonName: deviceId,
      publicKey,
      notBefore: new Date(now.getTime() - 60_000),
      notAfter: new Date(now.getTime() + CA_YEARS * 365 * 86_400_000),
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, critical: true },
        { name: 'extKeyUsage', clientAuth: true },
      ],
    },
    issuer,
  );

/** The broker's server certificate, valid for 127.0.0.1 and localhost (what devices dial). */
export const serverCertificate = (
  publicKey: KeyObject,
  issuer: CertificateIssuer,
  now = new Date(),
): string =>
  issueCertificate(
    {
      commonName: 'localhost',
      publicKey,
      notBefore: new Date(now.getTime() - 60_000),
      notAfter: new Date(now.getTime() + 365 * 86_400_000),
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [
            { type: 7, ip: '127.0.0.1' },
            { type: 2, value: 'localhost' },
          ],
        },
      ],
    },
    issuer,
  );

/**
 * A certificate's id as AWS IoT gives it: the SHA-256 of its DER, 64 lower-case hex digits. The broker computes the
 * same from the certificate a device presents.
 */
export const certificateId = (certificatePem: string): string =>
  createHash('sha256').update(new X509Certificate(certificatePem).raw).digest('hex');

/** `AB:CD:…` (node's fingerprint256) as a certificate id. */
export const certificateIdOfFingerprint = (fingerprint256: string): string =>
  fingerprint256.replaceAll(':', '').toLowerCase();
