import type { Logger } from '@bg/service-kit';
import { retrainModel } from '../handlers/ai-model';
import { shared } from '../http/shared-plugin';

/** Retrains the role model a quiet moment after its training data changes (never per event), or at once on request. */
export type AiTrainer = { trainingDataChanged(): void; retrainNow(): void };

declare module 'fastify' {
  interface FastifyInstance {
    aiTrainer: AiTrainer;
  }
}

/**
 * Debounced retraining: after the last change of a won deal or of a contact on one, wait `AI_RETRAIN_DEBOUNCE_MS` of
 * quiet, but never longer than ten times that since the first, so a steady stream still retrains. One training at a time; a change during a
 * training schedules another.
 */
export const aiTrainerPlugin = shared('ai-trainer', async (app) => {
  const wait = app.config.AI_RETRAIN_DEBOUNCE_MS;
  const logger = app.log as Logger;
  let timer: NodeJS.Timeout | null = null;
  let firstAt: number | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let closed = false;

  const train = async () => {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    timer = null;
    firstAt = null;
    const started = performance.now();
    running = retrainModel(app.db, app.now())
      .then((model) =>
        logger.info(
          { model: model?.version ?? null, ms: Math.round(performance.now() - started) },
          'role model trained',
        ),
      )
      .catch((error: unknown) => logger.error({ err: error }, 'role model training failed'))
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          schedule();
        }
      });
  };
  const schedule = () => {
    const now = Date.now();
    firstAt ??= now;
    if (timer) clearTimeout(timer);
    const delay = Math.max(0, Math.min(wait, firstAt + wait * 10 - now));
    timer = setTimeout(() => void train(), delay);
  };

  app.decorate<AiTrainer>('aiTrainer', { trainingDataChanged: schedule, retrainNow: () => void train() });
  // Once at start too: deals may have arrived while no replica was up, or the window moved on.
  app.addHook('onReady', async () => schedule());
  app.addHook('onClose', async () => {
    closed = true;
    if (timer) clearTimeout(timer);
    await running;
  });
});
