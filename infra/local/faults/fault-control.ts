// The fault-injection control of `npm start -- --faults` (and `LocalCloud.start({ faults: true })`), what AWS Fault
// Injection Service is to the real cloud. JSON over HTTP on 127.0.0.1; its address is printed and kept in cloud.json
// (`faults`). Every client of the local cloud reaches the services through fault proxies (fault-proxy.ts):
//   POST   /faults  {"service":"kinesis"|"dynamodb"|"s3"|"sns", "operations"?:["PutRecords"], "effect":"throttle"|
//                   "unavailable", "share"?:0..1 (default 1), "seconds"?:n (default until cleared)}   → 201 {"id"}
//          operations: the X-Amz-Target action for Kinesis/DynamoDB (PutRecords, GetRecords, UpdateItem, …), the
//          HTTP method for S3 (PUT, GET, …), the Action for SNS (Publish); a bad body → 400 naming the bad value.
//   GET    /faults  → [{"id", …the rule…, "answered": n, "active": bool}]   DELETE /faults → clears them
//   POST   /servers/kinesis/restart → restarts the Kinesis server in place (same port, same data)
//   POST   /functions/<name>/faults {"effect":"crash"|"timeout","invocations":n} → the next n invocations of the function
//          (its role — aggregate, archive, fanout, … —, physical name or logical id) crash mid-invocation or overrun the timeout; GET → {pending, done, byEffect}
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { errorMessage } from '../../../processors/shared/errors.ts';
import { FaultRequestError } from './fault-request-error.ts';
import type { FaultRules } from './fault-rules.ts';
import {
  type FunctionFaultCounts,
  type FunctionFaultEffect,
  functionFaultRequestOf,
} from './function-faults.ts';

/** A function the control can fault (a LocalFunction). */
export interface FaultableFunction {
  injectFault(effect: FunctionFaultEffect, invocations: number): void;
  faultCounts(): FunctionFaultCounts;
}

/** What the control acts on. */
export interface FaultControlTargets {
  readonly rules: FaultRules;
  /** Restarts the Kinesis server in place. */
  restartKinesis(): Promise<void>;
  /** The function the plan names `name` (physical name or logical id), or undefined. */
  functionNamed(name: string): FaultableFunction | undefined;
  /** Every function's physical name, to say which exist when one is not found. */
  functionNames(): readonly string[];
}

type Reply = { readonly status: number; readonly body: unknown };

interface Route {
  readonly method: string;
  readonly path: RegExp;
  handle(match: RegExpExecArray, body: () => Promise<unknown>): Promise<Reply> | Reply;
}

const SERVED = 'POST|GET|DELETE /faults, POST /servers/kinesis/restart, POST|GET /functions/<name>/faults';

/** Bodies are a few fields; anything larger is not a fault request. */
const MOST_BODY_BYTES = 64 * 1024;

const jsonBodyOf = async (req: IncomingMessage): Promise<unknown> => {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of req) {
    bytes += (chunk as Buffer).length;
    if (bytes > MOST_BODY_BYTES) throw new FaultRequestError(`the body is over ${MOST_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return text.trim() === '' ? undefined : JSON.parse(text);
  } catch (error) {
    throw new FaultRequestError(`the body is not JSON (${errorMessage(error)}): ${text.slice(0, 200)}`);
  }
};

const routesOf = (targets: FaultControlTargets): Route[] => {
  const functionOf = (name: string): FaultableFunction => {
    const fn = targets.functionNamed(name);
    if (!fn) {
      throw new FaultRequestError(
        `no function named ${name}: give a physical name or logical id, one of ${targets.functionNames().join(', ')}`,
        404,
      );
    }
    return fn;
  };
  const functionPath = /^\/functions\/([^/]+)\/faults$/;
  return [
    {
      method: 'POST',
      path: /^\/faults$/,
      handle: async (_, body) => ({ status: 201, body: { id: targets.rules.add(await body()) } }),
    },
    { method: 'GET', path: /^\/faults$/, handle: () => ({ status: 200, body: targets.rules.list() }) },
    {
      method: 'DELETE',
      path: /^\/faults$/,
      handle: () => {
        const cleared = targets.rules.list().length;
        targets.rules.clear();
        return { status: 200, body: { cleared } };
      },
    },
    {
      method: 'POST',
      path: /^\/servers\/kinesis\/restart$/,
      handle: async () => {
        const started = Date.now();
        await targets.restartKinesis();
        return { status: 200, body: { restarted: 'kinesis', ms: Date.now() - started } };
      },
    },
    {
      method: 'POST',
      path: functionPath,
      handle: async ([, name = ''], body) => {
        const fn = functionOf(decodeURIComponent(name));
        const { effect, invocations } = functionFaultRequestOf(await body());
        fn.injectFault(effect, invocations);
        return { status: 201, body: fn.faultCounts() };
      },
    },
    {
      method: 'GET',
      path: functionPath,
      handle: ([, name = '']) => ({ status: 200, body: functionOf(decodeURIComponent(name)).faultCounts() }),
    },
  ];
};

const routeOf = (routes: readonly Route[], method: string, path: string): Route | Reply => {
  const onPath = routes.filter((route) => route.path.test(path));
  if (onPath.length === 0) {
    return { status: 404, body: { error: `no such path ${path}: the fault control serves ${SERVED}` } };
  }
  return (
    onPath.find((route) => route.method === method) ?? {
      status: 405,
      body: { error: `${method} ${path} is not served: use ${onPath.map((r) => r.method).join(' or ')}` },
    }
  );
};

/** The loopback HTTP control of fault injection (see the top of this file). */
export class FaultControl {
  private constructor(
    private readonly server: Server,
    readonly endpoint: string,
  ) {}

  static async start(port: number, targets: FaultControlTargets): Promise<FaultControl> {
    const routes = routesOf(targets);
    const server = createServer((req, res) => {
      void FaultControl.serve(routes, req, res);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    return new FaultControl(server, `http://127.0.0.1:${port}`);
  }

  private static async serve(routes: readonly Route[], req: IncomingMessage, res: ServerResponse) {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const route = routeOf(routes, req.method ?? 'GET', path);
    let reply: Reply;
    try {
      reply =
        'handle' in route
          ? await route.handle(route.path.exec(path) as RegExpExecArray, () => jsonBodyOf(req))
          : route;
    } catch (error) {
      reply = {
        status: error instanceof FaultRequestError ? error.status : 500,
        body: { error: errorMessage(error) },
      };
    }
    req.resume();
    const text = JSON.stringify(reply.body);
    res.writeHead(reply.status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  }

  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }
}
