import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bundleTracker, type TrackerBuild } from '../../../tracker/bundle.ts';
import { shopRoutes } from './shop-routes.ts';

export interface ShopOptions {
  /** 127.0.0.1 port; 0 picks a free one. */
  readonly port: number;
  /** The collector's browser route (`…/v1/events`) the pages' tracker sends to. */
  readonly collectorUrl: string;
  /** The tracker's builds. @default bundleTracker(), once per process */
  readonly builds?: readonly TrackerBuild[];
}

export interface LocalShop {
  /** `http://127.0.0.1:<port>/` */
  readonly url: string;
  /** `http://127.0.0.1:<port>`: what the collector's allow-list must name. */
  readonly origin: string;
  /** Every path served (the routes table), for tests and the start-up line. */
  readonly paths: readonly string[];
  stop(): Promise<void>;
}

const NOSNIFF = { 'x-content-type-options': 'nosniff' };

/** Built once per process: every local cloud of a test run serves the same tracker. */
let builtTracker: Promise<TrackerBuild[]> | undefined;
const trackerBuilds = () => {
  builtTracker ??= bundleTracker();
  return builtTracker;
};

/** `http://127.0.0.1:<port>`: the shop's origin, known before it listens (the allow-list is synthesized first). */
export const shopOrigin = (port: number): string => `http://127.0.0.1:${port}`;

/**
 * The local demo shop on 127.0.0.1: a fixed table of routes (no request path reaches the file system), GET and
 * HEAD only. Its pages load the tracker from the content-versioned path and send to the local collector.
 */
export const startShop = async (options: ShopOptions): Promise<LocalShop> => {
  const routes = shopRoutes(options.collectorUrl, options.builds ?? (await trackerBuilds()));
  const server: Server = createServer((request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { ...NOSNIFF, allow: 'GET, HEAD', 'content-type': 'text/plain' });
      response.end(`${request.method} is not served here: the shop answers GET and HEAD\n`);
      return;
    }
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const file = routes.get(path);
    if (!file) {
      response.writeHead(404, { ...NOSNIFF, 'content-type': 'text/plain' }).end(`no such page: ${path}\n`);
      return;
    }
    response.writeHead(200, { ...NOSNIFF, ...file.headers, 'content-length': file.body.byteLength });
    // Node leaves the body out of a HEAD answer.
    response.end(file.body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(
              `port ${options.port} for the demo shop is already in use on 127.0.0.1: stop whatever holds it (another npm start?) or pass --base-port`,
            )
          : error,
      ),
    );
    server.listen(options.port, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `${shopOrigin(port)}/`,
    origin: shopOrigin(port),
    paths: [...routes.keys()],
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
