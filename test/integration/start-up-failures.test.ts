import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalCloud } from '../../infra/local/local-cloud.ts';
import { assertJava } from '../../infra/local/servers/dynamodb-server.ts';
import { freePort } from '../../infra/local/servers/ports.ts';

describe('the local cloud refuses to start with a clear message', () => {
  let blocker: Server | undefined;
  const path = process.env.PATH;
  afterEach(() => {
    blocker?.close();
    blocker = undefined;
    process.env.PATH = path;
  });

  it('when one of its ports is already taken, naming the port and what to do', async () => {
    // A free port whose neighbour we can hold: the neighbour may belong to someone else, so try again then.
    let port = 0;
    for (let attempt = 0; attempt < 20 && !blocker?.listening; attempt++) {
      port = await freePort();
      const candidate = createServer();
      const held = await new Promise<boolean>((resolve) => {
        candidate.once('error', () => resolve(false));
        candidate.listen(port + 1, '127.0.0.1', () => resolve(true));
      });
      if (held) blocker = candidate;
    }
    expect(blocker?.listening).toBe(true);
    await expect(LocalCloud.start({ basePort: port })).rejects.toThrow(
      new RegExp(`port ${port + 1} for DynamoDB Local is already in use.*--base-port`),
    );
  });

  it('when Java is missing, saying DynamoDB Local needs Java 17+', () => {
    process.env.PATH = '/nonexistent';
    expect(() => assertJava()).toThrow(/Java was not found.*Java 17 or newer/);
  });
});
