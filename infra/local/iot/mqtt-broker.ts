import type { Socket } from 'node:net';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { Aedes, type AuthenticateError, type Client, type PublishPacket } from 'aedes';
import { IOT_MAX_PAYLOAD_BYTES } from '../../constructs/device-edge/iot-limits.ts';
import type { BrokerRecord, Peer } from './broker-record.ts';
import { certificateIdOfFingerprint } from './certificates.ts';
import { type DeviceAuthority, type DeviceSession, isRefusal } from './device-authority.ts';
import type { PublishSink } from './local-iot.ts';

/** The broker's TLS identity: its server certificate and key, and the CA whose client certificates it accepts. */
export interface BrokerTls {
  readonly caPem: string;
  readonly certificatePem: string;
  readonly privateKeyPem: string;
}

export interface MqttBrokerOptions {
  readonly tls: BrokerTls;
  readonly authority: DeviceAuthority;
  readonly record: BrokerRecord;
  readonly sink: PublishSink;
}

/** CONNACK return code 5 (MQTT 3.1.1 §3.2.2.3): "not authorized". */
const NOT_AUTHORIZED = 5;

const peerOf = (socket: Socket | undefined, more: Omit<Peer, 'sourceIp' | 'sourcePort'> = {}): Peer => ({
  ...more,
  ...(socket?.remoteAddress ? { sourceIp: socket.remoteAddress } : {}),
  ...(socket?.remotePort ? { sourcePort: socket.remotePort } : {}),
});

/**
 * aedes over node:tls, bound to 127.0.0.1: TLS demands a client certificate from the local CA (others fail the
 * handshake), and aedes' hooks ask the DeviceAuthority at CONNECT (certificate registered and ACTIVE, policy allows
 * the client id) and at each PUBLISH/SUBSCRIBE. A refused CONNECT gets CONNACK 5; a refused PUBLISH (the policy,
 * or a payload over IoT Core's 128 KB) or SUBSCRIBE ends the connection, as IoT Core does over MQTT 3.1.1.
 * Accepted publishes go to the sink after PUBACK is written (QoS 1).
 */
export class MqttBroker {
  private server: Server | undefined;
  private aedes: Aedes | undefined;
  private readonly sockets = new Set<TLSSocket>();
  private readonly sessions = new WeakMap<Client, DeviceSession>();
  private readonly live = new Set<Client>();

  constructor(
    private readonly port: number,
    private readonly options: MqttBrokerOptions,
  ) {}

  /** Clients connected now. */
  get connected(): number {
    return this.live.size;
  }

  async start(): Promise<void> {
    const aedes = await Aedes.createBroker({
      authenticate: (client, _username, _password, done) => this.authenticate(client, done),
      authorizePublish: (client, packet, done) => done(client ? this.authorizePublish(client, packet) : null),
      authorizeSubscribe: (client, subscription, done) =>
        this.authorizeSubscribe(client, subscription.topic)
          ? done(null, subscription)
          : done(new Error(`subscription to ${subscription.topic} not authorized`)),
      authorizeForward: (client, packet) => {
        const session = this.sessions.get(client);
        return session && this.options.authority.mayReceive(session, packet.topic) ? packet : null;
      },
      published: (packet, client, done) => {
        // client is null for the broker's own $SYS heartbeats.
        if (client) {
          this.options.sink.accept({
            topic: packet.topic,
            payload: Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload),
            clientId: client.id,
            receivedAtMs: Date.now(),
          });
        }
        done();
      },
    });
    aedes.on('clientReady', (client) => {
      this.live.add(client);
      this.options.record.connected();
    });
    aedes.on('clientDisconnect', (client) => this.live.delete(client));
    const { tls } = this.options;
    const server = createServer(
      {
        ca: [tls.caPem],
        cert: tls.certificatePem,
        key: tls.privateKeyPem,
        requestCert: true,
        rejectUnauthorized: true,
      },
      (socket) => {
        this.sockets.add(socket);
        socket.once('close', () => this.sockets.delete(socket));
        aedes.handle(socket);
      },
    );
    server.on('tlsClientError', (error, socket) => {
      this.options.record.refusedConnection(
        'Connection.AuthNError',
        'AUTHENTICATION_FAILURE',
        `TLS handshake refused: ${error.message}`,
        peerOf(socket),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.aedes = aedes;
  }

  /** Ends every connection and stops listening; start() listens again on the same port. */
  async stop(): Promise<void> {
    const aedes = this.aedes;
    const server = this.server;
    this.aedes = undefined;
    this.server = undefined;
    if (aedes) await new Promise<void>((resolve) => aedes.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    this.live.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Ends the live connections made with any of these certificates (revoked in this process). */
  disconnect(certificateIds: readonly string[]): void {
    for (const client of this.live) {
      const session = this.sessions.get(client);
      if (session && certificateIds.includes(session.certificateId)) client.close();
    }
  }

  private authenticate(
    client: Client,
    done: (error: AuthenticateError | null, success: boolean | null) => void,
  ) {
    const socket = client.conn as TLSSocket;
    const fingerprint = socket.getPeerCertificate?.().fingerprint256;
    const certificateId = fingerprint ? certificateIdOfFingerprint(fingerprint) : '';
    const decision = this.options.authority.connect(certificateId, client.id);
    if (isRefusal(decision)) {
      this.options.record.refusedConnection(
        decision.metric,
        decision.reason,
        decision.details,
        peerOf(socket, { clientId: client.id, principalId: certificateId }),
      );
      const error = new Error(decision.details) as AuthenticateError;
      error.returnCode = NOT_AUTHORIZED;
      done(error, false);
      return;
    }
    this.sessions.set(client, decision);
    done(null, true);
  }

  private authorizePublish(client: Client, packet: PublishPacket): Error | null {
    const { topic } = packet;
    const session = this.sessions.get(client);
    const { authority, record } = this.options;
    const peer = () =>
      peerOf(client.conn as Socket, { clientId: client.id, principalId: session?.certificateId ?? '' });
    const bytes = Buffer.byteLength(packet.payload);
    if (bytes > IOT_MAX_PAYLOAD_BYTES) {
      record.oversizePublish(
        topic,
        `Message payload exceeds size limit for message type: ${bytes} bytes, IoT Core takes ${IOT_MAX_PAYLOAD_BYTES}`,
        peer(),
      );
      return new Error(`client ${client.id}: a payload of ${bytes} bytes is over ${IOT_MAX_PAYLOAD_BYTES}`);
    }
    if (!session || !authority.stillActive(session)) {
      record.refusedPublish(topic, 'the certificate is no longer ACTIVE', peer());
      return new Error(`client ${client.id}: certificate revoked`);
    }
    if (!authority.mayPublish(session, topic)) {
      record.refusedPublish(
        topic,
        `policy does not allow iot:Publish to ${topic} for client ${client.id}`,
        peer(),
      );
      return new Error(`client ${client.id} may not publish to ${topic}`);
    }
    record.published();
    return null;
  }

  private authorizeSubscribe(client: Client, topicFilter: string): boolean {
    const session = this.sessions.get(client);
    if (session && this.options.authority.maySubscribe(session, topicFilter)) return true;
    this.options.record.refusedSubscribe(
      topicFilter,
      `policy does not allow iot:Subscribe to ${topicFilter} for client ${client.id}`,
      peerOf(client.conn as Socket, { clientId: client.id, principalId: session?.certificateId ?? '' }),
    );
    return false;
  }
}
