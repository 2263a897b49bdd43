import { describe, expect, it } from 'vitest';
import { undecodableQueryParameter } from '../../src/http/url-guard';

describe('query parameters that do not decode to text', () => {
  it('names the first parameter whose %-escapes are not UTF-8', () => {
    expect(undecodableQueryParameter('/v1/buying-groups?limit=5&missingRole=%ED%A0%80')).toBe('missingRole');
    expect(undecodableQueryParameter('/v1/buying-groups?accountId=100%')).toBe('accountId');
    expect(undecodableQueryParameter('/v1/buying-groups?%ED%A0%80=x')).toBe('%ED%A0%80');
    expect(undecodableQueryParameter('/v1/buying-groups?missing%20Role=%FF')).toBe('missing Role');
  });

  it('accepts escaped UTF-8, plus signs and URLs without a query', () => {
    expect(
      undecodableQueryParameter('/v1/buying-groups?missingRole=Decision+Maker&accountId=%F0%9F%9A%80&x'),
    ).toBeNull();
    expect(undecodableQueryParameter('/v1/buying-groups')).toBeNull();
    expect(undecodableQueryParameter('/v1/buying-groups/%ED%A0%80')).toBeNull();
  });
});
