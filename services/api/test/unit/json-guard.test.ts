import { describe, expect, it } from 'vitest';
import { unstorableBody } from '../../src/domain/json-guard';

const condition = (value: unknown) => ({ field: 'jobTitle', op: 'containsAny', value });

describe('JSON values that cannot be stored', () => {
  it('names the field holding a lone UTF-16 surrogate, a NUL character or nesting deeper than 64 levels', () => {
    const loneSurrogate = unstorableBody({
      name: 'T',
      slots: [{ role: 'Other', conditions: condition(['CTO', '\ud800']) }],
    });
    expect(loneSurrogate).toMatchObject({
      status: 400,
      errors: [
        { path: 'body.slots[0].conditions.value[1]', message: expect.stringContaining('lone UTF-16 surrogate') },
      ],
    });
    expect(loneSurrogate?.detail).toContain('the request body is invalid: body.slots[0].conditions.value[1]');
    expect(unstorableBody({ accountIds: ['a', 'b\udc00'] })?.errors).toEqual([
      { path: 'body.accountIds[1]', message: expect.stringContaining('lone UTF-16 surrogate') },
    ]);
    expect(unstorableBody({ name: 'a\u0000b' })?.errors).toEqual([
      { path: 'body.name', message: expect.stringContaining('NUL character') },
    ]);
    let deep: unknown = condition('x');
    for (let i = 0; i < 10_000; i++) deep = { all: [deep] };
    expect(unstorableBody({ conditions: deep })?.errors).toEqual([
      { path: expect.stringMatching(/^body\.conditions(\.all\[0\])+\.all$/), message: 'nests deeper than 64 levels' },
    ]);
  });

  it('accepts well-formed text, surrogate pairs included', () => {
    expect(
      unstorableBody({ name: 'Buyers 🚀 Ünïcode', slots: [{ conditions: condition(['CTO', '日本']) }] }),
    ).toBeNull();
    expect(unstorableBody(undefined)).toBeNull();
  });
});
