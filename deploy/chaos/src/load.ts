import type { Kafka } from 'kafkajs';
import { Topics, type AccountUpserted, type PersonUpserted } from '@bg/contracts';
import { EventProducer } from '@bg/kafka';
import { crmEvent, pick, randomTitle, type Random } from '@bg/testing';

/** One update sent: when it left, and when the first public version naming it (cause or coalesced) arrived. */
export type Sample = { sentAt: number; arrivedAt?: number };

const ENGINEER = { jobTitle: 'Software Engineer', seniority: 'Individual Contributor', department: 'Engineering' };
const CLERK = { jobTitle: 'Office Clerk', seniority: 'Individual Contributor', department: 'Operations' };
// Pinned after the initial load's records, so that every update is newer than what the pipeline holds.
const updatesFrom = Date.parse('2026-11-02T00:00:00Z');

/**
 * A steady stream of person updates at `rate` per second, as a CRM would send them, keeping `persons` (the model the
 * oracle is computed from) equal to the latest update of each person. Most updates move a person in or out of the
 * uncapped slot (so that each changes a group and can be timed); the others give a random title or move the person to
 * another account.
 *
 * Sends go on while the broker is down: a send that fails may or may not have reached the broker, so its person is
 * "unsure" until a later send of that person succeeds; `settle` re-sends the unsure ones once the broker is back.
 * After a stall the schedule does not burst to catch up by more than a second's worth.
 */
export class SteadyLoad {
  readonly samples = new Map<string, Sample>();
  /**
   * Updates that changed a person's accounts, with how many accounts they touched (old and new links): role-assignment
   * applies each account's part on that account's partition, so a roll-up group over several of them may answer the
   * update once per part.
   */
  readonly linkChanges = new Map<string, number>();
  readonly unsure = new Set<string>();
  sent = 0;
  failed = 0;
  private counter = 0;
  private running = false;
  private loop: Promise<void> | null = null;
  private producer: EventProducer | null = null;

  constructor(
    private readonly opts: {
      kafka: Kafka;
      rate: number;
      persons: Map<string, PersonUpserted>;
      accounts: readonly AccountUpserted[];
      random: Random;
      runId: string;
    },
  ) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** Re-sends every unsure person's latest record (newer than anything sent before) until the broker takes them. */
  async settle(deadlineMs: number): Promise<void> {
    const deadline = Date.now() + deadlineMs;
    while (this.unsure.size > 0) {
      const batch = [...this.unsure].slice(0, 500).map((personId) => this.next(personId, (p) => p));
      if (await this.send(batch)) continue;
      if (Date.now() > deadline) throw new Error(`${this.unsure.size} person updates could not be re-sent`);
      await sleep(1_000);
    }
  }

  async close(): Promise<void> {
    await this.producer?.disconnect().catch(() => undefined);
    this.producer = null;
  }

  private async run(): Promise<void> {
    const began = Date.now();
    const { rate } = this.opts;
    let scheduled = 0;
    const ids = [...this.opts.persons.keys()];
    while (this.running) {
      const due = Math.floor(((Date.now() - began) / 1000) * rate);
      scheduled = Math.max(scheduled, due - rate);
      const count = due - scheduled;
      scheduled = due;
      if (count > 0) {
        const updates = Array.from({ length: count }, () =>
          this.next(pick(this.opts.random, ids), (p) => this.change(p)),
        );
        await this.send(updates);
      }
      await sleep(20);
    }
  }

  private change(person: PersonUpserted): PersonUpserted {
    const roll = this.opts.random();
    if (roll < 0.8) return { ...person, ...(person.jobTitle === ENGINEER.jobTitle ? CLERK : ENGINEER) };
    if (roll < 0.95) {
      const { jobTitle, seniority } = randomTitle(this.opts.random);
      const department = /market/i.test(jobTitle)
        ? 'Marketing'
        : /legal|counsel/i.test(jobTitle)
          ? 'Legal'
          : 'Engineering';
      return { ...person, jobTitle, seniority, department };
    }
    const account = pick(this.opts.random, this.opts.accounts);
    return { ...person, accounts: [{ accountId: account.accountId, relationship: 'employee' }] };
  }

  /** The person's next record (a fresh `updatedAt`), applied to the model at once: the model is what was meant. */
  private next(personId: string, change: (p: PersonUpserted) => PersonUpserted) {
    this.counter++;
    const before = this.opts.persons.get(personId)!;
    const record = { ...change(before), updatedAt: new Date(updatesFrom + this.counter).toISOString() };
    this.opts.persons.set(personId, record);
    const id = `chaos-${this.opts.runId}-${this.counter}`;
    const accountsOf = (p: PersonUpserted) => p.accounts.map((l) => `${l.accountId}:${l.relationship}`);
    if (accountsOf(before).join() !== accountsOf(record).join())
      this.linkChanges.set(id, new Set([...before.accounts, ...record.accounts].map((l) => l.accountId)).size);
    return { id, record };
  }

  private async send(updates: { id: string; record: PersonUpserted }[]): Promise<boolean> {
    const sentAt = Date.now();
    for (const u of updates) this.samples.set(u.id, { sentAt });
    try {
      if (!this.producer) {
        // The services' producer: idempotent, acks=all, and no message left out when a leader moves mid-send.
        const producer = new EventProducer(this.opts.kafka, '');
        await producer.connect();
        this.producer = producer;
      }
      await this.producer.send(
        updates.map((u) => ({
          topic: Topics.crmPersons,
          key: u.record.personId,
          value: crmEvent('person.upserted', u.record, u.id, 'crm/chaos'),
        })),
      );
      for (const u of updates) this.unsure.delete(u.record.personId);
      this.sent += updates.length;
      return true;
    } catch {
      for (const u of updates) {
        this.samples.delete(u.id);
        this.unsure.add(u.record.personId);
      }
      this.failed += updates.length;
      // A fresh producer next time: the broker may have come back on a new session.
      await this.close();
      return false;
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
