import { randomUUID } from 'node:crypto';
import { context, propagation } from '@opentelemetry/api';
import {
  cloudEventSchema,
  eventRegistry,
  findUnstorable,
  formatPath,
  type CloudEvent,
  type DeadLetterCode,
  type EventData,
  type EventType,
  type TopicReading,
} from '@bg/contracts';
import type { z } from 'zod';

/** A message ready for the producer (or an outbox row): logical topic, key, value, headers. */
export type EncodedEvent = { topic: string; key: string; value: string; headers: Record<string, string> };

/**
 * Header carrying the event type (CloudEvents Kafka binding, binary-mode name), so that a consumer skips the types it
 * does not apply without parsing them. The value stays authoritative for every type it does apply.
 */
export const typeHeader = 'ce_type';

/**
 * Serialises an event for its registered topic after validating `data` against the registered schema: a producer
 * never emits what its consumers would refuse (a failure here is a bug, thrown to the caller). The trace context of
 * the caller travels in the headers, so the next hop continues the trace.
 */
export function encodeEvent<T extends EventType>(
  type: T,
  event: { id: string; key: string; source: string; data: EventData<T>; subject?: string; time?: string },
): EncodedEvent {
  const { topic, schema } = eventRegistry[type];
  const checked = (schema as z.ZodType).safeParse(event.data);
  if (!checked.success) {
    throw new Error(
      `refusing to emit an invalid ${type} (${event.id}): ${describeIssues(checked.error.issues, 'data')}`,
    );
  }
  const headers: Record<string, string> = { [typeHeader]: type };
  propagation.inject(context.active(), headers);
  return {
    topic,
    key: event.key,
    value: encodeCloudEvent({ ...event, type, data: checked.data }),
    headers,
  };
}

/** Serialises a CloudEvent (JSON structured mode). */
export function encodeCloudEvent<T>(event: {
  id?: string;
  type: string;
  source: string;
  time?: string;
  subject?: string;
  data: T;
}): string {
  const envelope: CloudEvent<T> = {
    specversion: '1.0',
    id: event.id ?? randomUUID(),
    type: event.type,
    source: event.source,
    time: event.time ?? new Date().toISOString(),
    datacontenttype: 'application/json',
    ...(event.subject ? { subject: event.subject } : {}),
    data: event.data,
  };
  return JSON.stringify(envelope);
}

export type DecodedEvent = CloudEvent<unknown> & { data: unknown };
export type DecodeResult =
  | { ok: true; event: DecodedEvent }
  | { ok: 'skip'; type: string }
  | { ok: false; code: DeadLetterCode; message: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes a message value into a CloudEvent whose `data` passed the schema of its `type`. Types the reader skips are
 * recognised by header or envelope and not validated further. Every failure says what is wrong and where (field
 * path), for the dead-letter headers: nothing that reaches a handler can be refused by the database for its form.
 */
export function decodeCloudEvent(
  value: Buffer | null,
  reading: TopicReading,
  maxBytes: number,
  headerType?: string,
): DecodeResult {
  if (headerType !== undefined && reading.skips.includes(headerType)) return { ok: 'skip', type: headerType };
  if (value === null || value.length === 0)
    return { ok: false, code: 'invalid-json', message: 'message value is empty' };
  if (value.length > maxBytes) {
    return {
      ok: false,
      code: 'too-large',
      message: `message value is ${value.length} bytes; the limit is ${maxBytes}`,
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(utf8.decode(value));
  } catch (error) {
    const reason = error instanceof TypeError ? 'is not valid UTF-8' : `is not valid JSON: ${(error as Error).message}`;
    return { ok: false, code: 'invalid-json', message: printable(`value ${reason}`) };
  }
  const envelope = cloudEventSchema.safeParse(json);
  if (!envelope.success) return { ok: false, code: 'not-a-cloudevent', message: describeIssues(envelope.error.issues) };
  const { type } = envelope.data;
  if (reading.skips.includes(type)) return { ok: 'skip', type };
  const schema = reading.applies[type];
  if (!schema) {
    const expected = [...Object.keys(reading.applies), ...reading.skips].join(', ');
    return { ok: false, code: 'unknown-type', message: `unknown event type '${type}'; expected one of: ${expected}` };
  }
  const unstorable = findUnstorable(json);
  if (unstorable) {
    const [root] = unstorable.path;
    return {
      ok: false,
      code: root === 'data' ? 'invalid-data' : 'not-a-cloudevent',
      message: `${formatPath(unstorable.path)}: ${unstorable.problem}`,
    };
  }
  const data = schema.safeParse(envelope.data.data);
  if (!data.success) return { ok: false, code: 'invalid-data', message: describeIssues(data.error.issues, 'data') };
  return { ok: true, event: { ...envelope.data, data: data.data } };
}

/** "data.accounts[0].accountId: Invalid input: expected string, received number; …" */
export function describeIssues(issues: z.core.$ZodIssue[], root?: string): string {
  return issues
    .slice(0, 5)
    .map((issue) => `${formatPath(issue.path, root)}: ${issue.message}`)
    .join('; ');
}

/** Text safe for a header or a log line: lone surrogates replaced, NUL characters escaped. */
export function printable(text: string): string {
  return text.toWellFormed().replaceAll('\u0000', '\\u0000');
}
