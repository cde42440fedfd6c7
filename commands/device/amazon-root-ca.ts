import { X509Certificate } from 'node:crypto';
import { rootCertificates } from 'node:tls';

/** SHA-256 fingerprint of Amazon Root CA 1, which signs AWS IoT Core's ATS endpoints (valid until 2038). */
const AMAZON_ROOT_CA_1 =
  '8E:CD:E6:88:4F:3D:87:B1:12:5B:A3:1A:C3:FC:B1:3D:70:16:DE:7F:57:CC:90:4F:E1:CB:97:C6:AE:98:19:6E';

/**
 * Amazon Root CA 1 in PEM, the CA a device trusts for an `iot:Data-ATS` endpoint. Taken from the root store
 * Node ships (Mozilla's), checked by fingerprint, rather than downloaded at registration or copied into the repo.
 */
export const amazonRootCaPem = (): string => {
  const pem = rootCertificates.find(
    (candidate) => new X509Certificate(candidate).fingerprint256 === AMAZON_ROOT_CA_1,
  );
  if (!pem) {
    throw new Error(
      `Amazon Root CA 1 (SHA-256 ${AMAZON_ROOT_CA_1}) is not in this Node's root store: download it from https://www.amazontrust.com/repository/AmazonRootCA1.pem into the device's ca.pem`,
    );
  }
  return `${pem.trim()}\n`;
};
