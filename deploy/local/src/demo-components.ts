import { demoAudience, demoRoleTemplate, demoSolutionInterest, demoSolutionInterestId } from './demo-dataset';

/** The fields that make up what each component means; ids, versions, status and timestamps are the store's own. */
export const meaningfulFields = {
  roleTemplate: ['name', 'description', 'slots'],
  audience: ['name', 'description', 'conditions', 'accountIds'],
  solutionInterest: ['name', 'description', 'roleTemplateId', 'roleTemplateVersion', 'audienceId', 'memberScope'],
} as const;

/**
 * Whether a stored component (as a GET answers it; null when there is none) differs from the wanted definition in a
 * meaningful field. Object keys compare in any order (jsonb reorders them) and an absent field equals null.
 */
export function differs(
  stored: Record<string, unknown> | null,
  wanted: Record<string, unknown>,
  fields: readonly string[],
): boolean {
  if (stored === null) return true;
  const pick = (value: Record<string, unknown>) => canonical(Object.fromEntries(fields.map((f) => [f, value[f]])));
  return pick(stored) !== pick(wanted);
}

/** JSON with object keys sorted and null or absent fields dropped. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v)
            .filter(([, field]) => field !== null && field !== undefined)
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}

/**
 * Defines the demo's role template, audience and solution interest through the HTTP API, writing only what differs
 * from what is stored: every `npm start` runs this, and each solution interest PUT makes role assignment recompute it
 * over every account (as does an audience PUT; a template PUT adds a version the solution interest then moves to).
 * Returns the writes it made, e.g. `PUT /v1/account-audiences/aud-1m`.
 */
export async function defineDemoComponents(api: string, token: string): Promise<string[]> {
  const call = async (method: string, path: string, body?: object): Promise<Record<string, unknown> | null> => {
    const response = await fetch(`${api}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (method === 'GET' && response.status === 404) return null;
    if (!response.ok) throw new Error(`${method} ${path} → ${response.status}: ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  };
  const writes: string[] = [];
  const write = async (method: string, path: string, body?: object): Promise<Record<string, unknown>> => {
    writes.push(`${method} ${path}`);
    return (await call(method, path, body))!;
  };

  const templatePath = `/v1/role-templates/${demoSolutionInterest.roleTemplateId}`;
  let template = await call('GET', templatePath);
  if (template === null || differs(template, demoRoleTemplate, meaningfulFields.roleTemplate)) {
    template = await write('PUT', templatePath, demoRoleTemplate);
  }
  if (template.status !== 'published') template = await write('POST', `${templatePath}/publish`);

  const audiencePath = `/v1/account-audiences/${demoSolutionInterest.audienceId}`;
  if (differs(await call('GET', audiencePath), demoAudience, meaningfulFields.audience)) {
    await write('PUT', audiencePath, demoAudience);
  }

  // Pinned to the version that matches the demo, so that a template published by someone else is not taken along.
  const interest = { ...demoSolutionInterest, roleTemplateVersion: template.version };
  const interestPath = `/v1/solution-interests/${demoSolutionInterestId}`;
  if (differs(await call('GET', interestPath), interest, meaningfulFields.solutionInterest)) {
    await write('PUT', interestPath, interest);
  }
  return writes;
}
