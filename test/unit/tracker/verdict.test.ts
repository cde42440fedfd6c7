import { describe, expect, it } from 'vitest';
import { verdictOf } from '../../../tracker/src/verdict.ts';
import { reply } from './fake-browser.ts';

describe('verdictOf, the collector’s answer read as the shared contract states it', () => {
  it('200 delivers the whole batch', async () => {
    expect(await verdictOf(reply(200, { accepted: 3, refused: [] }))).toEqual({
      kind: 'delivered',
      refused: [],
    });
  });

  it('207 names the refused entries by index, retryable or not', async () => {
    // Prepare
    const refused = [
      { index: 1, error: 'ProvisionedThroughputExceededException', retryable: true },
      { index: 4, error: 'InternalFailure', retryable: false },
    ];
    // Act
    const verdict = await verdictOf(reply(207, { accepted: 3, refused }));
    // Assess
    expect(verdict).toEqual({ kind: 'delivered', refused });
  });

  it('a 207 that does not say what it refused resends the whole batch', async () => {
    // Act
    const verdicts = await Promise.all([
      verdictOf(reply(207, { accepted: 1 })),
      verdictOf(reply(207, { refused: [{ index: 'one' }] })),
      verdictOf(new Response('not json', { status: 207 })),
    ]);
    // Assess
    expect(verdicts).toEqual([
      { kind: 'retry', afterMs: 0 },
      { kind: 'retry', afterMs: 0 },
      { kind: 'retry', afterMs: 0 },
    ]);
  });

  it('429 and 5xx keep the batch and carry Retry-After', async () => {
    // Act
    const verdicts = await Promise.all([
      verdictOf(reply(429, { message: 'slow down' }, { 'Retry-After': '2' })),
      verdictOf(reply(503, { message: 'unavailable' }, { 'Retry-After': '7' })),
      verdictOf(reply(500, undefined)),
      verdictOf(reply(502, undefined)),
    ]);
    // Assess
    expect(verdicts).toEqual([
      { kind: 'retry', afterMs: 2000 },
      { kind: 'retry', afterMs: 7000 },
      { kind: 'retry', afterMs: 0 },
      { kind: 'retry', afterMs: 0 },
    ]);
  });

  it('400 and 413 split the batch, with the collector’s reason', async () => {
    // Act
    const verdicts = await Promise.all([
      verdictOf(reply(400, { message: 'event 3: eventId is required' })),
      verdictOf(reply(413, { message: 'batch too large' })),
    ]);
    // Assess
    expect(verdicts).toEqual([
      { kind: 'split', message: '400: event 3: eventId is required' },
      { kind: 'split', message: '413: batch too large' },
    ]);
  });

  it('403, 404 and 415 reject the batch for good, naming the status when there is no message', async () => {
    // Act
    const verdicts = await Promise.all([
      verdictOf(reply(403, { message: 'origin https://evil.test is not allowed' })),
      verdictOf(reply(404, undefined)),
      verdictOf(reply(415, { message: 'Content-Type image/png' })),
    ]);
    // Assess
    expect(verdicts).toEqual([
      { kind: 'rejected', message: '403: origin https://evil.test is not allowed' },
      { kind: 'rejected', message: '404' },
      { kind: 'rejected', message: '415: Content-Type image/png' },
    ]);
  });
});
