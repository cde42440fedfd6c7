import { createServer } from 'node:net';

/** Resolves when `port` on 127.0.0.1 is free, or rejects naming the port and what to do. */
export const assertPortFree = (port: number, what: string): Promise<void> =>
  new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          error.code === 'EADDRINUSE'
            ? `port ${port} for ${what} is already in use on 127.0.0.1: stop whatever holds it (another npm start?) or pass --base-port`
            : `cannot bind ${what} to 127.0.0.1:${port}: ${error.message}`,
        ),
      ),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });

/** Asks the OS for a free loopback port. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });

/** The first of `count` consecutive free loopback ports (for a `--base-port`); tries a few candidates. */
export const freePortRange = async (count: number): Promise<number> => {
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = await freePort();
    const rest = Array.from({ length: count - 1 }, (_, i) => first + 1 + i);
    const free = await Promise.all(
      rest.map((port) =>
        assertPortFree(port, 'a probe').then(
          () => true,
          () => false,
        ),
      ),
    );
    if (first + count <= 65_535 && free.every(Boolean)) return first;
  }
  throw new Error(`found no ${count} consecutive free ports on 127.0.0.1 after 50 tries`);
};

/** Polls `check` until it resolves true or `timeoutMs` passes. */
export const waitUntil = async (
  check: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(`${what} did not become ready within ${timeoutMs / 1000}s`);
};
