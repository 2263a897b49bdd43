import { AsyncLocalStorage } from 'node:async_hooks';
import type { AuditedCall, CallReason } from '../db/provider-calls';
import type { CallRecord } from '../resilience/http-client';

export type CallScope = {
  /** Every call made inside `run`, each with the reason it was made for. */
  readonly calls: AuditedCall[];
  /** Runs `fn` with `purpose` as the reason of the calls it makes (e.g. `find-people`, `enrich-people`). */
  run<T>(purpose: string, fn: () => Promise<T>): Promise<T>;
};

/**
 * Ties each outbound call to the job that made it. The HTTP clients are shared by concurrent jobs (one breaker,
 * limiter and budget per provider), so the job travels with the async context instead of through the adapters; the
 * calls are buffered and written with the job's outcome — the HTTP client's `onCall` must not do I/O.
 */
export class CallRecorder {
  private readonly context = new AsyncLocalStorage<{ reason: CallReason; calls: AuditedCall[] }>();

  constructor(
    private readonly observe: (call: CallRecord) => void,
    private readonly onUnattributed: (call: CallRecord) => void,
  ) {}

  /** The `onCall` of every provider's HTTP client. */
  readonly record = (call: CallRecord): void => {
    this.observe(call);
    const scope = this.context.getStore();
    if (scope) scope.calls.push({ ...call, reason: scope.reason });
    else this.onUnattributed(call);
  };

  open(reason: Omit<CallReason, 'purpose'>): CallScope {
    const calls: AuditedCall[] = [];
    return {
      calls,
      run: (purpose, fn) => this.context.run({ reason: { ...reason, purpose }, calls }, fn),
    };
  }
}
