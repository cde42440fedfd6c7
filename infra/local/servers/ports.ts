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

/**
 * Where free ports are chosen: a window below Linux's ephemeral range (32768–60999), so that no
 * outgoing connection is handed a port between the moment it is chosen and the moment its server binds.
 * `STREAMLAKE_PORT_WINDOW=low-high` narrows it (two test workers each get a window of their own, so two
 * local clouds starting at once never choose the same port).
 */
export const portWindow = (setting = process.env.STREAMLAKE_PORT_WINDOW): { low: number; high: number } => {
  if (!setting) return { low: 20_000, high: 32_000 };
  const match = /^(\d+)-(\d+)$/.exec(setting.trim());
  const low = Number(match?.[1]);
  const high = Number(match?.[2]);
  if (!match || low < 1024 || high > 65_535 || high - low < 16) {
    throw new Error(
      `STREAMLAKE_PORT_WINDOW=${setting} is not a port window: give low-high, from 1024 to 65535, at least 16 ports wide (e.g. 20000-26000)`,
    );
  }
  return { low, high };
};

/** Ports this process has handed out, so that two choices in a row never return the same one. */
const handedOut = new Set<number>();

const bindable = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });

/** A free loopback port from the port window, not handed out before by this process. */
export const freePort = async (): Promise<number> => {
  const { low, high } = portWindow();
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (handedOut.has(port) || !(await bindable(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`found no free port on 127.0.0.1 between ${low} and ${high} after 200 tries`);
};

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
