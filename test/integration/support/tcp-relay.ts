import { connect, createServer, type Server, type Socket } from 'node:net';
import { freePort } from '../../../infra/local/servers/ports.ts';

/** One client connection and its connection to the target, and what the target sent that is held back. */
interface Pair {
  readonly client: Socket;
  readonly target: Socket;
  holding: boolean;
  held: number;
}

/**
 * A TCP relay on 127.0.0.1 in front of a local server. TLS passes through it untouched (the broker's certificate
 * names 127.0.0.1, as the relay's address does), so devices connect through it with their own certificates. It
 * can hold back what the server sends on the connections open now — the broker's PUBACKs — so that a broker
 * restart loses acknowledgements of messages the broker already took: the QoS 1 redelivery case, made certain.
 */
export class TcpRelay {
  private readonly pairs = new Set<Pair>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number): Promise<TcpRelay> {
    const port = await freePort();
    let relay: TcpRelay | undefined;
    const server = createServer((client) => relay?.relay(client, targetPort));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    relay = new TcpRelay(server, port);
    return relay;
  }

  /**
   * From now on, the connections open now forward nothing from the server to their client; what they would have
   * forwarded is dropped when the connection ends. Connections made later are not held. Returns how many were.
   */
  holdReplies(): number {
    for (const pair of this.pairs) pair.holding = true;
    return this.pairs.size;
  }

  /** Bytes held back so far on the connections still open. */
  get heldBytes(): number {
    let bytes = 0;
    for (const pair of this.pairs) bytes += pair.held;
    return bytes;
  }

  async stop(): Promise<void> {
    for (const pair of this.pairs) this.end(pair);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: Socket, targetPort: number): void {
    const target = connect(targetPort, '127.0.0.1');
    const pair: Pair = { client, target, holding: false, held: 0 };
    this.pairs.add(pair);
    client.on('data', (chunk: Buffer) => target.write(chunk));
    target.on('data', (chunk: Buffer) => {
      if (pair.holding) pair.held += chunk.length;
      else client.write(chunk);
    });
    // Either side ending ends both at once, without flushing: a dropped connection, not a polite close.
    for (const socket of [client, target]) {
      socket.on('error', () => this.end(pair));
      socket.on('close', () => this.end(pair));
    }
  }

  private end(pair: Pair): void {
    this.pairs.delete(pair);
    pair.client.destroy();
    pair.target.destroy();
  }
}
