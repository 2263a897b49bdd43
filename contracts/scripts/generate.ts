/**
 * Generates, from the zod schemas, the documents non-TypeScript consumers use: JSON Schema per message and an
 * AsyncAPI 3 document of the external topics. `--check` fails (exit 1) when the checked-in files are out of date.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import * as c from '../src/index';

const outDir = fileURLToPath(new URL('../generated', import.meta.url));

const messages: Record<string, { topic: string; schema: z.ZodType; key: string; summary: string }> = {
  'account.upserted': {
    topic: c.Topics.crmAccounts,
    schema: c.accountUpsertedSchema,
    key: 'accountId',
    summary: 'An account created or changed (full state).',
  },
  'account.deleted': {
    topic: c.Topics.crmAccounts,
    schema: c.accountDeletedSchema,
    key: 'accountId',
    summary: 'An account deleted.',
  },
  'person.upserted': {
    topic: c.Topics.crmPersons,
    schema: c.personUpsertedSchema,
    key: 'personId',
    summary: 'A person created or changed (full state).',
  },
  'person.deleted': {
    topic: c.Topics.crmPersons,
    schema: c.personDeletedSchema,
    key: 'personId',
    summary: 'A person deleted.',
  },
  'activity.recorded': {
    topic: c.Topics.crmActivities,
    schema: c.activityRecordedSchema,
    key: 'personId',
    summary: 'An engagement activity.',
  },
  'opportunity.upserted': {
    topic: c.Topics.crmOpportunities,
    schema: c.opportunityUpsertedSchema,
    key: 'opportunityId',
    summary: 'An opportunity created or changed.',
  },
  'buying-group.member.assign': {
    topic: c.Topics.journeyCommands,
    schema: c.journeyMemberAssignSchema,
    key: 'accountId',
    summary: 'A journey assigns a person a role in a group (source journey).',
  },
  'buying-group.member.remove': {
    topic: c.Topics.journeyCommands,
    schema: c.journeyMemberRemoveSchema,
    key: 'accountId',
    summary: 'A journey removes a person from a group (source journey).',
  },
  'buying-group.stage.set': {
    topic: c.Topics.journeyCommands,
    schema: c.journeyStageSetSchema,
    key: 'accountId',
    summary: "A journey sets a group's stage explicitly; null hands it back to the stage model's rule.",
  },
  'buying-group.status.set': {
    topic: c.Topics.journeyCommands,
    schema: c.journeyStatusSetSchema,
    key: 'accountId',
    summary: "A journey sets a group's journey status (at most 50 characters) or clears it (null).",
  },
  'buying-group.changed': {
    topic: c.Topics.buyingGroupChanges,
    schema: c.buyingGroupChangedSchema,
    key: 'accountId',
    summary: 'A new version of a buying group.',
  },
};

function jsonSchema(schema: z.ZodType): object {
  return z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' });
}

function render(): Map<string, string> {
  const files = new Map<string, string>();
  const envelope = jsonSchema(c.cloudEventSchema);
  files.set('json-schema/cloudevent.schema.json', JSON.stringify(envelope, null, 2) + '\n');
  for (const [type, m] of Object.entries(messages)) {
    files.set(`json-schema/${type}.schema.json`, JSON.stringify(jsonSchema(m.schema), null, 2) + '\n');
  }
  const topics = [...new Set(Object.values(messages).map((m) => m.topic))];
  const channelId = (topic: string) => topic.replaceAll('.', '-');
  const asyncapi = {
    asyncapi: '3.0.0',
    info: {
      title: 'Buying groups — event contract',
      version: '1.0.0',
      description:
        "Inbound CRM topics, the journeys' write-back topic and the outbound buying-group change topic. Every message value is a CloudEvents 1.0 event in JSON structured mode; invalid inbound events go to `<topic>.dlq` with x-error-* headers (a journey command naming an unknown role, stage, solution interest or person: `x-error-code: invalid-command`). Generated from contracts/src by `npm run contracts:generate`.",
    },
    defaultContentType: 'application/cloudevents+json',
    channels: Object.fromEntries(
      topics.map((topic) => [
        channelId(topic),
        {
          address: topic,
          messages: Object.fromEntries(
            Object.entries(messages)
              .filter(([, m]) => m.topic === topic)
              .map(([type]) => [
                type.replaceAll('.', '-'),
                { $ref: `#/components/messages/${type.replaceAll('.', '-')}` },
              ]),
          ),
        },
      ]),
    ),
    operations: Object.fromEntries(
      topics.map((topic) => [
        `${topic === c.Topics.buyingGroupChanges ? 'send' : 'receive'}-${channelId(topic)}`,
        {
          action: topic === c.Topics.buyingGroupChanges ? 'send' : 'receive',
          channel: { $ref: `#/channels/${channelId(topic)}` },
        },
      ]),
    ),
    components: {
      messages: Object.fromEntries(
        Object.entries(messages).map(([type, m]) => [
          type.replaceAll('.', '-'),
          {
            name: type,
            summary: m.summary,
            bindings: { kafka: { key: { type: 'string', description: `the ${m.key}` } } },
            payload: {
              allOf: [
                { $ref: './json-schema/cloudevent.schema.json' },
                {
                  type: 'object',
                  properties: { type: { const: type }, data: { $ref: `./json-schema/${type}.schema.json` } },
                },
              ],
            },
          },
        ]),
      ),
    },
  };
  files.set('asyncapi.json', JSON.stringify(asyncapi, null, 2) + '\n');
  return files;
}

const check = process.argv.includes('--check');
const stale: string[] = [];
for (const [name, content] of render()) {
  const path = join(outDir, name);
  if (check) {
    if (!existsSync(path) || readFileSync(path, 'utf8') !== content) stale.push(name);
  } else {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
}
if (check && stale.length > 0) {
  console.error(`contracts/generated is out of date (${stale.join(', ')}); run: npm run contracts:generate`);
  process.exit(1);
}
console.log(check ? 'contracts/generated is up to date' : `wrote ${outDir}`);
