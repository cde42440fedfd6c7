import net from 'node:net';

/**
 * Unit tests run without servers: a test that opens a connection (an SDK client left pointing at an endpoint, a
 * fetch) fails here at once with what it tried, instead of waiting on a socket or passing by luck. Tests that need
 * servers belong in test/integration/.
 */
const refuse = function (this: net.Socket, ...args: unknown[]): never {
  // net.connect() hands the socket its arguments already normalised, as one array.
  const flat = args.flat();
  const target = flat.find((arg) => typeof arg === 'object' && arg !== null) as
    | { host?: string; port?: number; path?: string }
    | undefined;
  const where = target?.path ?? `${target?.host ?? 'localhost'}:${target?.port ?? String(flat[0])}`;
  throw new Error(
    `unit tests must not open network connections (this one tried ${where}); give the code a fake client, or move the test to test/integration/`,
  );
};

net.Socket.prototype.connect = refuse as unknown as typeof net.Socket.prototype.connect;
