import { ErrorWithReasonCode } from 'mqtt';
import { describe, expect, it } from 'vitest';
import { RefusalWatch, reconnectDelayMs, refusalOf } from '../../../producers/mqtt-session.ts';

const coded = (code: string, message = code) => Object.assign(new Error(message), { code });

describe('reconnectDelayMs', () => {
  const policy = { baseDelayMs: 100, maxDelayMs: 1000 };

  it('doubles from the base up to the cap, in the upper half of each step', () => {
    expect([1, 2, 3, 4, 5].map((attempt) => reconnectDelayMs(attempt, policy, () => 0))).toEqual([
      50, 100, 200, 400, 500,
    ]);
    expect([1, 2, 3, 4, 5].map((attempt) => reconnectDelayMs(attempt, policy, () => 0.999_999))).toEqual([
      99, 199, 399, 799, 999,
    ]);
  });

  it('is never 0, which mqtt.js would take as "do not reconnect"', () => {
    expect(reconnectDelayMs(1, { baseDelayMs: 1, maxDelayMs: 1 }, () => 0)).toBe(1);
  });
});

describe('refusalOf', () => {
  it('names CONNACK refusals retrying cannot fix, and leaves "server unavailable" to retries', () => {
    expect(refusalOf(new ErrorWithReasonCode('Connection refused: Not authorized', 5))).toBe(
      'CONNACK 5 not authorized',
    );
    expect(refusalOf(new ErrorWithReasonCode('Connection refused: Identifier rejected', 2))).toBe(
      'CONNACK 2 client identifier rejected',
    );
    expect(refusalOf(new ErrorWithReasonCode('Connection refused: Server unavailable', 3))).toBeUndefined();
  });

  it('names certificate failures on either side of the handshake', () => {
    expect(refusalOf(coded('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 'alert 116'))).toBe(
      'TLS ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: alert 116',
    );
    expect(refusalOf(coded('SELF_SIGNED_CERT_IN_CHAIN'))).toContain('SELF_SIGNED_CERT_IN_CHAIN');
    expect(refusalOf(coded('ERR_TLS_CERT_ALTNAME_INVALID'))).toContain('ALTNAME');
    expect(refusalOf(new Error('TLS not authorized'))).toContain('not trusted');
  });

  it('leaves network failures to retries', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE']) {
      expect(refusalOf(coded(code))).toBeUndefined();
    }
    expect(refusalOf(new Error('connack timeout'))).toBeUndefined();
  });
});

describe('RefusalWatch', () => {
  /** One session: attempt, what happened in it, then its close with `inFlight` unacknowledged. */
  const session = (watch: RefusalWatch, steps: ('connack' | 'ack' | 'network')[], inFlight = 1) => {
    watch.attempt();
    for (const step of steps) {
      if (step === 'connack') watch.connack();
      else if (step === 'ack') watch.ack();
      else watch.failedOnNetwork();
    }
    return watch.closed(inFlight);
  };

  it('takes sessions closed before their CONNACK, three in a row, for a refused connection', () => {
    const watch = new RefusalWatch(3);
    expect([session(watch, []), session(watch, []), session(watch, [])]).toEqual([
      undefined,
      undefined,
      'connection',
    ]);
  });

  it('takes sessions closed with publishes in flight and none acknowledged for a refused publish', () => {
    const watch = new RefusalWatch(3);
    const closes = [1, 2, 3].map(() => session(watch, ['connack']));
    expect(closes).toEqual([undefined, undefined, 'publish']);
  });

  it('forgives a session that made progress, and counts no network failure or idle close', () => {
    const watch = new RefusalWatch(2);
    expect(session(watch, ['connack'])).toBeUndefined();
    expect(session(watch, ['connack', 'ack'])).toBeUndefined();
    expect(session(watch, ['connack'])).toBeUndefined();
    expect(session(watch, ['network'])).toBeUndefined();
    expect(session(watch, ['connack'], 0)).toBeUndefined();
    expect(session(watch, ['connack'])).toBe('publish');
  });

  it('clears connection strikes once the broker accepts a connection', () => {
    const watch = new RefusalWatch(2);
    expect(session(watch, [])).toBeUndefined();
    expect(session(watch, ['connack'], 0)).toBeUndefined();
    expect(session(watch, [])).toBeUndefined();
    expect(session(watch, [])).toBe('connection');
  });

  it('takes a limit between 1 and 10', () => {
    expect(() => new RefusalWatch(0)).toThrow(
      'refusalStrikes must be an integer between 1 and 10 inclusive (given 0)',
    );
  });
});
