import { describe, expect, it } from 'vitest';
import { ALLOWED_ORIGINS_KEY, withAllowedOrigin } from '../../../../../infra/local/shop/allowed-origins.ts';

const SHOP = 'http://127.0.0.1:4571';

describe('withAllowedOrigin', () => {
  it('names the context key the stack reads the collector allow-list from', () => {
    expect(ALLOWED_ORIGINS_KEY).toBe('streamlake:collectorAllowedOrigins');
  });

  it('adds the origin to a context that lists none, keeping the other keys', () => {
    // Act
    const context = withAllowedOrigin({ 'streamlake:archiveBatchingWindowSeconds': 2 }, SHOP);

    // Assess
    expect(context).toEqual({
      'streamlake:archiveBatchingWindowSeconds': 2,
      [ALLOWED_ORIGINS_KEY]: [SHOP],
    });
    expect(withAllowedOrigin(undefined, SHOP)).toEqual({ [ALLOWED_ORIGINS_KEY]: [SHOP] });
  });

  it.each([
    ['a list', ['https://shop.example', 'http://127.0.0.1:8080']],
    ['comma-separated text, as -c gives it', 'https://shop.example, http://127.0.0.1:8080,'],
  ])('merges with the origins the caller lists as %s, after them', (_how, given) => {
    // Act
    const context = withAllowedOrigin({ [ALLOWED_ORIGINS_KEY]: given }, SHOP);

    // Assess
    expect(context[ALLOWED_ORIGINS_KEY]).toEqual(['https://shop.example', 'http://127.0.0.1:8080', SHOP]);
  });

  it('lists an origin the caller already gave once', () => {
    expect(withAllowedOrigin({ [ALLOWED_ORIGINS_KEY]: [SHOP] }, SHOP)[ALLOWED_ORIGINS_KEY]).toEqual([SHOP]);
  });

  it('leaves a value of another type as given, for the stack to refuse naming the key', () => {
    expect(withAllowedOrigin({ [ALLOWED_ORIGINS_KEY]: 42 }, SHOP)).toEqual({ [ALLOWED_ORIGINS_KEY]: 42 });
  });
});
