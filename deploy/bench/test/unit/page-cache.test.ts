import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { damonPageout, sumFincore } from '../../src/page-cache';

describe("the database's files in the page cache", () => {
  it("adds up fincore's resident and file bytes over every file", () => {
    expect(sumFincore('8192 16384\n0 1073741824\n\n1048576 1048576\n')).toEqual({
      resident: 8192 + 1048576,
      size: 16384 + 1073741824 + 1048576,
    });
  });
});

describe('what takes pages out of the page cache', () => {
  const roots: string[] = [];
  afterEach(() => roots.splice(0).forEach((root) => rmSync(root, { recursive: true, force: true })));

  /** A sysfs-like DAMON tree: one kdamond, one context, the schemes given. */
  const damon = (state: string, aggrUs: number, schemes: { action: string; minAge: number }[]) => {
    const root = mkdtempSync(join(tmpdir(), 'damon-'));
    roots.push(root);
    const context = join(root, '0', 'contexts', '0');
    mkdirSync(join(context, 'monitoring_attrs', 'intervals'), { recursive: true });
    writeFileSync(join(root, 'nr_kdamonds'), '1\n');
    writeFileSync(join(root, '0', 'state'), `${state}\n`);
    writeFileSync(join(context, 'monitoring_attrs', 'intervals', 'aggr_us'), `${aggrUs}\n`);
    schemes.forEach(({ action, minAge }, i) => {
      mkdirSync(join(context, 'schemes', String(i), 'access_pattern', 'age'), { recursive: true });
      writeFileSync(join(context, 'schemes', String(i), 'action'), `${action}\n`);
      writeFileSync(join(context, 'schemes', String(i), 'access_pattern', 'age', 'min'), `${minAge}\n`);
    });
    writeFileSync(join(context, 'schemes', 'nr_schemes'), `${schemes.length}\n`);
    return root;
  };

  it('names a running pageout scheme by the idle time after which it evicts a page', () => {
    expect(damonPageout(damon('on', 5_000_000, [{ action: 'pageout', minAge: 12 }]))).toBe('pages idle ≥ 60 s');
  });

  it('ignores a stopped kdamond, other actions, and a machine without DAMON', () => {
    expect(damonPageout(damon('off', 5_000_000, [{ action: 'pageout', minAge: 12 }]))).toBeNull();
    expect(damonPageout(damon('on', 100_000, [{ action: 'stat', minAge: 3 }]))).toBeNull();
    expect(damonPageout('/nonexistent/damon')).toBeNull();
  });
});
