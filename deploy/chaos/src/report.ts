/** The chaos run's printed account: a timestamped line per step, then every check with PASS or FAIL. */
export class Report {
  private readonly started = Date.now();
  readonly checks: { name: string; pass: boolean; detail: string }[] = [];

  /** A line of the timeline, with the time since the start. */
  say = (line: string): void => {
    console.log(`[chaos +${clock(Date.now() - this.started)}] ${line}`);
  };

  phase(name: string): void {
    console.log('');
    this.say(`== ${name}`);
  }

  check(name: string, pass: boolean, detail: string): void {
    this.checks.push({ name, pass, detail });
    this.say(`${pass ? 'PASS' : 'FAIL'}  ${name}: ${detail}`);
  }

  get failed(): number {
    return this.checks.filter((c) => !c.pass).length;
  }

  /** Every check again, as a summary; returns the exit code. */
  summary(error?: unknown): number {
    console.log(`\n== chaos run: ${clock(Date.now() - this.started)} ==`);
    for (const c of this.checks) console.log(`  ${c.pass ? 'PASS' : 'FAIL'}  ${c.name}\n        ${c.detail}`);
    if (error)
      console.log(
        `  FAIL  the run itself stopped: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
    const ok = !error && this.failed === 0 && this.checks.length > 0;
    console.log(
      ok
        ? `\nRESULT: PASS (${this.checks.length} checks)`
        : `\nRESULT: FAIL (${this.failed} of ${this.checks.length} checks failed${error ? ', run aborted' : ''})`,
    );
    return ok ? 0 : 1;
  }
}

export function clock(ms: number): string {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}
