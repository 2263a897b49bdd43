import { describe, expect, it } from 'vitest';
import { differs, meaningfulFields } from '../../src/demo-components';
import { demoAudience, demoRoleTemplate, demoSolutionInterest } from '../../src/demo-dataset';

/** The same value with every object's keys in reverse order, as jsonb may give them back. */
const reordered = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(reordered)
    : typeof value === 'object' && value !== null
      ? Object.fromEntries(
          Object.entries(value)
            .reverse()
            .map(([key, child]) => [key, reordered(child)]),
        )
      : value;

/** The demo template as GET /v1/role-templates/{id} answers it: absent fields as null, keys reordered, store fields. */
const storedTemplate = {
  id: 'rt-devtools',
  version: 2,
  status: 'published',
  createdAt: '2026-11-26T09:00:00.000Z',
  publishedAt: '2026-11-26T09:00:01.000Z',
  latestPublishedVersion: 2,
  description: null,
  name: demoRoleTemplate.name,
  slots: demoRoleTemplate.slots.map((slot) => reordered({ maxMembers: null, ...slot }) as typeof slot),
};

describe('whether a demo component must be written', () => {
  it('writes a component that does not exist yet', () => {
    expect(differs(null, demoAudience, meaningfulFields.audience)).toBe(true);
  });

  it('writes nothing when only the store’s own fields, key order, or null for an absent field differ', () => {
    expect(differs(storedTemplate, demoRoleTemplate, meaningfulFields.roleTemplate)).toBe(false);
    const storedAudience = { updatedAt: 'x', createdAt: 'x', id: 'aud-1m', description: null, ...demoAudience };
    expect(differs(storedAudience, demoAudience, meaningfulFields.audience)).toBe(false);
  });

  it('writes a component whose meaningful fields were changed', () => {
    const [first, ...rest] = storedTemplate.slots;
    const otherTitles = { ...first!, conditions: { field: 'jobTitle', op: 'hasAnyWord', value: ['CTO'] } };
    expect(
      differs({ ...storedTemplate, slots: [otherTitles, ...rest] }, demoRoleTemplate, meaningfulFields.roleTemplate),
    ).toBe(true);
    expect(differs({ ...storedTemplate, description: 'edited' }, demoRoleTemplate, meaningfulFields.roleTemplate)).toBe(
      true,
    );
    const staticList = { name: demoAudience.name, accountIds: ['acme'] };
    expect(differs(staticList, demoAudience, meaningfulFields.audience)).toBe(true);
  });

  it('moves the solution interest only when it pins another template version or was changed', () => {
    const wanted = { ...demoSolutionInterest, roleTemplateVersion: 2 };
    const stored = { id: 'si-devtools', description: null, updatedAt: 'x', ...wanted };
    expect(differs(stored, wanted, meaningfulFields.solutionInterest)).toBe(false);
    expect(differs({ ...stored, roleTemplateVersion: 1 }, wanted, meaningfulFields.solutionInterest)).toBe(true);
    expect(differs({ ...stored, memberScope: 'account' }, wanted, meaningfulFields.solutionInterest)).toBe(true);
  });
});
