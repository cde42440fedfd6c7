/**
 * What a device's MQTT sessions tell about whether to keep trying: a refusal ends the device's sending, anything
 * else is retried with a growing delay. Pure, so each rule is tested without a broker.
 */

/** How long a device waits before its next connection attempt. */
export interface ReconnectPolicy {
  /** Delay after the first lost connection or failed attempt; at least 1. @default 500 */
  readonly baseDelayMs: number;
  /** No delay is longer, however many attempts fail. @default 30000 */
  readonly maxDelayMs: number;
}

export const DEFAULT_RECONNECT: ReconnectPolicy = { baseDelayMs: 500, maxDelayMs: 30_000 };

/**
 * Delay before reconnection attempt `attempt` (1 for the first): doubling from the base up to the cap, the upper
 * half of it at random ("equal jitter"). Never 0, which mqtt.js would take as "do not reconnect"; the jitter keeps
 * a fleet that lost its broker together from coming back in lockstep.
 */
export const reconnectDelayMs = (
  attempt: number,
  policy: ReconnectPolicy = DEFAULT_RECONNECT,
  random: () => number = Math.random,
): number => {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(attempt - 1, 0));
  return Math.max(1, Math.floor(ceiling / 2 + (random() * ceiling) / 2));
};

/** CONNACK return codes that refuse this client for good (MQTT 3.1.1 and their MQTT 5 reason codes). */
const CONNACK_REFUSALS: Readonly<Record<number, string>> = {
  1: 'unacceptable protocol version',
  2: 'client identifier rejected',
  4: 'bad user name or password',
  5: 'not authorized',
  133: 'client identifier not valid',
  134: 'bad user name or password',
  135: 'not authorized',
  138: 'banned',
};

/**
 * TLS failures retrying cannot fix: the broker's alert refusing our certificate (or its absence), or our refusal
 * of the broker's certificate (unknown CA, wrong host name, expired).
 */
const CERTIFICATE_FAILURE =
  /^(ERR_SSL_.*ALERT.*|ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE|ERR_TLS_CERT_ALTNAME_INVALID|UNABLE_TO_.*|CERT_.*|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|ERR_OSSL_.*)$/;

/** Why the broker (or our TLS check of it) refused the device, from an mqtt.js error; undefined when transient. */
export const refusalOf = (error: Error): string | undefined => {
  const { code } = error as Error & { code?: unknown };
  if (typeof code === 'number') {
    const refusal = CONNACK_REFUSALS[code];
    return refusal ? `CONNACK ${code} ${refusal}` : undefined;
  }
  if (typeof code === 'string' && CERTIFICATE_FAILURE.test(code)) return `TLS ${code}: ${error.message}`;
  // mqtt.js's own check after the handshake, with no code.
  if (error.message === 'TLS not authorized') return 'TLS: the broker certificate is not trusted';
  return undefined;
};

/** How a run of failed sessions ended: refused before the broker accepted the connection, or after publishing. */
export type SessionRefusal = 'connection' | 'publish';

/**
 * Counts sessions that end the way a refusal ends when the broker gives no reason. A TLS broker refusing a
 * client certificate may simply close the socket (the client sees no alert), and MQTT 3.1.1 has no way to
 * refuse a PUBLISH: AWS IoT Core and aedes close the connection. So a session closed before its CONNACK, or
 * closed after the CONNACK with publishes in flight and none acknowledged, is a strike; a session that made
 * progress, or that ended on a network error (the broker down or restarting), clears or leaves the count.
 */
export class RefusalWatch {
  private connectionStrikes = 0;
  private publishStrikes = 0;
  private connacked = false;
  private acked = false;
  private networkError = false;

  constructor(
    /** Strikes in a row that mean a refusal; between 1 and 10. */
    private readonly limit: number,
  ) {
    if (!Number.isInteger(limit) || limit < 1 || limit > 10) {
      throw new RangeError(`refusalStrikes must be an integer between 1 and 10 inclusive (given ${limit})`);
    }
  }

  /** A new connection attempt begins. */
  attempt(): void {
    this.connacked = false;
    this.acked = false;
    this.networkError = false;
  }

  /** The broker accepted the connection: it does not refuse the certificate or the client id. */
  connack(): void {
    this.connacked = true;
    this.connectionStrikes = 0;
  }

  /** The broker acknowledged a publish: it does not refuse the topic either. */
  ack(): void {
    this.acked = true;
    this.connectionStrikes = 0;
    this.publishStrikes = 0;
  }

  /** An error that says the network, not the broker's judgement, ended the session. */
  failedOnNetwork(): void {
    this.networkError = true;
  }

  /** The session ended with `inFlight` publishes unacknowledged; says whether that makes a refusal. */
  closed(inFlight: number): SessionRefusal | undefined {
    if (this.networkError || this.acked) return undefined;
    if (!this.connacked) {
      return ++this.connectionStrikes >= this.limit ? 'connection' : undefined;
    }
    if (inFlight === 0) return undefined;
    return ++this.publishStrikes >= this.limit ? 'publish' : undefined;
  }
}
