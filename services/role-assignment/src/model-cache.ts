import { loadPredictor, suggesterFor, type RolePredictor } from '@bg/ai';
import type { Queryable } from '@bg/postgres';
import type { Suggester } from '@bg/rules';
import { modelVersion, storedModel } from './db/ai-model';
import type { Interest } from './domain/group-state';

/**
 * The role model, loaded once per version (a one-row check per use), and the suggester of each solution interest
 * that wants suggested members. Nothing is read when no solution interest does: suggestions cost nothing then.
 */
export class ModelCache {
  private loaded: { version: string; predictor: RolePredictor } | null = null;

  async suggesters(db: Queryable, interests: Iterable<Interest>): Promise<Map<string, Suggester>> {
    const wanting = [...interests].filter((si) => si.aiSuggestions);
    const suggesters = new Map<string, Suggester>();
    if (wanting.length === 0) return suggesters;
    const version = await modelVersion(db);
    if (version === null) return suggesters;
    if (this.loaded?.version !== version) {
      const model = await storedModel(db);
      if (!model) return suggesters;
      this.loaded = { version: model.version, predictor: loadPredictor(model.classifier) };
    }
    for (const si of wanting)
      suggesters.set(
        si.solutionInterestId,
        suggesterFor(this.loaded.predictor, this.loaded.version, si.aiSuggestions!.minConfidence),
      );
    return suggesters;
  }
}
