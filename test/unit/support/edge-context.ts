import type { Edge } from '../../../schemas/index.ts';

/** The edge context the web collector adds, with a fixed request so tests never depend on randomness. */
export const webEdge = (overrides: Partial<Edge> = {}): Edge => ({
  receivedAt: '2026-11-22T05:06:07.456Z',
  requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
  sourceIp: '203.0.113.0',
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0',
  origin: 'https://shop.example.com',
  ...overrides,
});

/**
 * A one-event record with its edge: `edge` first, the event's own fields unchanged after it — what the collector
 * forwarded before it put a request as one batch record (D36); consumers still read it.
 */
export const throughEdge = <E extends object>(event: E, edge: Partial<Edge> = {}): E & { edge: Edge } => ({
  edge: webEdge(edge),
  ...event,
});
