import { defaultLookbackDays } from '@bg/ai';
import { conditionOps, id as recordIdSchema } from '@bg/contracts';
import { z } from 'zod';
import { roleTemplateSchema } from './components';

export const generateBody = z
  .object({
    lookbackDays: z.number().int().min(1).max(36_500).default(defaultLookbackDays),
    solutionInterestId: recordIdSchema.nullish().describe('learn only from this solution interest’s opportunities'),
    minSupport: z.number().int().min(1).max(10_000).default(5).describe('people a rule needs behind it'),
  })
  .strict()
  .default({ lookbackDays: defaultLookbackDays, minSupport: 5 });

const trainedOnSchema = z.object({
  opportunities: z.number().int(),
  people: z.number().int(),
  from: z.string(),
  to: z.string(),
});

export const generatedTemplateSchema = roleTemplateSchema
  .extend({
    justification: z.object({
      slots: z.array(
        z.object({
          role: z.string(),
          wonDeals: z.number().int().describe('won deals in which the role appeared'),
          support: z.number().int().describe('training people behind the rule'),
          precision: z.number().nullable().describe('on held-out deals'),
          recall: z.number().nullable().describe('on held-out deals'),
          predicates: z.array(
            z.object({
              field: z.string(),
              op: z.enum(conditionOps),
              value: z.unknown().optional(),
              confidence: z.number(),
            }),
          ),
        }),
      ),
      trainedOn: trainedOnSchema,
      model: z.string().describe('model version'),
    }),
  })
  .meta({ id: 'GeneratedRoleTemplate' });

export const modelSchema = z
  .object({
    version: z.string(),
    trainedAt: z.string(),
    trainedOn: trainedOnSchema,
    roles: z.array(
      z.object({
        role: z.string(),
        people: z.number().int(),
        precision: z.number().nullable().describe('on held-out deals'),
        recall: z.number().nullable().describe('on held-out deals'),
      }),
    ),
  })
  .meta({ id: 'AiModel' });

export const retrainAcceptedSchema = z.object({ status: z.literal('accepted'), message: z.string() });
