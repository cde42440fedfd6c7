import { randomUUID } from 'node:crypto';
import type { SeededRandom } from '../../producers/random.ts';
import type { StreamlakeEvent } from '../../schemas/index.ts';
import { type Context, recentTime } from './context.ts';
import { MAX_EVENT_BYTES } from './limits.ts';
import { MARKED_DEVICES, markedDevice, markedPage, markedSession } from './markers.ts';

const validTime = (ctx: Context): string => {
  const text = recentTime(ctx);
  // 0–3 fraction digits, all allowed.
  return ctx.r.pick([text, `${text.slice(0, 19)}Z`, `${text.slice(0, 21)}Z`, `${text.slice(0, 22)}Z`]);
};

/** A page view or reading of the run's marked pages and devices, at the contracts' edges. */
export const validEvent = (ctx: Context): StreamlakeEvent => {
  const { r, runId, n } = ctx;
  const base = { eventId: randomUUID(), eventTime: validTime(ctx) };
  if (r.chance(0.5)) {
    const view = {
      schema: 'clickstream.page_view' as const,
      version: 1 as const,
      ...base,
      sessionId: markedSession(runId, n),
      page: markedPage(runId, n),
      ...(r.chance(0.2) ? { userId: `u-${r.int(1, 999)}` } : {}),
      ...(r.chance(0.2)
        ? {
            referrer: r.pick([
              '',
              'https://example.com/?q=😀é',
              'tab\there',
              `https://e.com/${'r'.repeat(2000)}`,
            ]),
          }
        : {}),
    };
    if (r.chance(0.3)) {
      return { ...view, version: 2, durationMs: r.pick([0, 86_400_000, r.int(1, 600_000)]) };
    }
    return view;
  }
  // The contracts' bounds only on the run's first device, so at most that one raises battery or
  // temperature alerts; the others read like healthy devices.
  const edge = n % MARKED_DEVICES === 0 && r.chance(0.2);
  return {
    schema: 'telemetry.reading',
    version: 1,
    ...base,
    deviceId: markedDevice(runId, n),
    temperature: edge ? r.pick([-100, 200]) : r.int(150, 300) / 10,
    humidity: edge ? r.pick([0, 100]) : r.int(0, 1000) / 10,
    battery: edge ? r.pick([0, 100]) : r.int(20, 100),
    status: r.pick(['ok', 'ok', 'degraded', 'fault'] as const),
  };
};

/** Legal encodings of a valid event: compact, pretty, escaped, or whitespace up to exactly the limit. */
export const encodeValid = (event: StreamlakeEvent, r: SeededRandom): string => {
  const text = JSON.stringify(event);
  switch (
    r.weighted<string>([
      ['compact', 80],
      ['pretty', 8],
      ['escaped', 8],
      ['reordered', 8],
      ['at-limit', 1],
    ])
  ) {
    case 'pretty':
      return JSON.stringify(event, null, 2);
    case 'escaped':
      // \/ and \uXXXX escapes of plain characters; non-BMP characters as surrogate pairs.
      return text
        .replaceAll('/', '\\/')
        .replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
        .replace('"schema"', '"\\u0073chema"');
    case 'reordered':
      return JSON.stringify(Object.fromEntries(Object.entries(event).reverse()));
    case 'at-limit':
      return text + ' '.repeat(MAX_EVENT_BYTES - Buffer.byteLength(text));
    default:
      return text;
  }
};
