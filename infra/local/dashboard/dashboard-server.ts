import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const page = (name: string) => fileURLToPath(new URL(`./page/${name}`, import.meta.url));

/** The only files served: a fixed table, so no request path ever reaches the file system. */
const FILES: Record<string, { path: string; type: string }> = {
  '/': { path: page('index.html'), type: 'text/html; charset=utf-8' },
  '/app.js': { path: page('app.js'), type: 'text/javascript; charset=utf-8' },
  '/app.css': { path: page('app.css'), type: 'text/css; charset=utf-8' },
  '/vendor/uplot.js': {
    path: require.resolve('uplot/dist/uPlot.iife.min.js'),
    type: 'text/javascript; charset=utf-8',
  },
  '/vendor/uplot.css': { path: require.resolve('uplot/dist/uPlot.min.css'), type: 'text/css; charset=utf-8' },
};

const HEADERS = {
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'self'; style-src 'self' 'unsafe-inline'",
  'x-content-type-options': 'nosniff',
};

export interface DashboardServer {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * The local ops dashboard on 127.0.0.1: a static page (uPlot charts) that polls `/api/snapshot`
 * for the dashboard evaluated over the local metric store.
 */
export const startDashboardServer = async (
  port: number,
  snapshot: () => unknown,
): Promise<DashboardServer> => {
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { ...HEADERS, allow: 'GET, HEAD' }).end();
      return;
    }
    try {
      if (path === '/api/snapshot') {
        response.writeHead(200, { ...HEADERS, 'content-type': 'application/json' });
        response.end(JSON.stringify(snapshot()));
        return;
      }
      const file = FILES[path];
      if (!file) {
        response.writeHead(404, { ...HEADERS, 'content-type': 'text/plain' }).end(`no such page: ${path}\n`);
        return;
      }
      response.writeHead(200, { ...HEADERS, 'content-type': file.type });
      response.end(readFileSync(file.path));
    } catch (error) {
      response.writeHead(500, { ...HEADERS, 'content-type': 'text/plain' }).end(`${String(error)}\n`);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(
              `the dashboard port 127.0.0.1:${port} is in use: stop what holds it or pass --dashboard-port`,
            )
          : error,
      ),
    );
    server.listen(port, '127.0.0.1', resolve);
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}/`,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
