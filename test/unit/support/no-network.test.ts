import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';

describe('the unit-test network guard', () => {
  it('refuses a TCP connection, naming where it went and what to do', () => {
    expect(() => connect({ host: '127.0.0.1', port: 9 })).toThrow(
      /must not open network connections \(this one tried 127\.0\.0\.1:9\).*test\/integration/,
    );
  });

  it('refuses fetch too (it connects through the same sockets)', async () => {
    await expect(fetch('http://127.0.0.1:9/')).rejects.toThrow();
  });
});
