import { randomUUID } from 'node:crypto';
import { cloudEventSchema, type CloudEvent, type DeadLetterCode } from '@bg/contracts';
import type { z } from 'zod';

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
export type DecodeResult = { ok: true; event: DecodedEvent } | { ok: false; code: DeadLetterCode; message: string };

/**
 * Decodes a message value into a CloudEvent whose `data` passed the schema registered for its `type`.
 * Every failure says what is wrong and where (field path), for the dead-letter headers.
 */
export function decodeCloudEvent(
  value: Buffer | null,
  schemas: Record<string, z.ZodType>,
  maxBytes: number,
): DecodeResult {
  if (value === null || value.length === 0) return { ok: false, code: 'invalid-json', message: 'message value is empty' };
  if (value.length > maxBytes) {
    return { ok: false, code: 'too-large', message: `message value is ${value.length} bytes; the limit is ${maxBytes}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch (error) {
    return { ok: false, code: 'invalid-json', message: `value is not valid JSON: ${(error as Error).message}` };
  }
  const envelope = cloudEventSchema.safeParse(json);
  if (!envelope.success) return { ok: false, code: 'not-a-cloudevent', message: describeIssues(envelope.error.issues) };
  const schema = schemas[envelope.data.type];
  if (!schema) {
    return {
      ok: false,
      code: 'unknown-type',
      message: `unknown event type '${envelope.data.type}'; expected one of: ${Object.keys(schemas).join(', ')}`,
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
    .map((issue) => `${formatPath(root ? [root, ...issue.path] : issue.path) || '(value)'}: ${issue.message}`)
    .join('; ');
}

function formatPath(path: PropertyKey[]): string {
  return path.reduce<string>(
    (acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc ? `${acc}.${String(part)}` : String(part)),
    '',
  );
}
