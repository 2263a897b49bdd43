import { useState } from 'preact/hooks';
import { ApiError, call, get } from '../api';
import { useLoad } from '../hooks';
import type { Audience, Items, Preview, Role, SolutionInterest, Template } from '../types';
import { GroupLink, ProblemBox, Section } from '../ui';
import { conditionInWords } from '../words';

/** The components operators define (CONTRACT.md §4), read-only here, with the dry run of a template change. */
export function ComponentsPage({ admin }: { admin: boolean }) {
  const data = useLoad(async () => {
    const [roles, templates, audiences, interests] = await Promise.all([
      get<Items<Role>>('/v1/roles'),
      get<Items<Template>>('/v1/role-templates'),
      get<Items<Audience>>('/v1/account-audiences'),
      get<Items<SolutionInterest>>('/v1/solution-interests'),
    ]);
    return { roles: roles.items, templates: templates.items, audiences: audiences.items, interests: interests.items };
  }, []);
  if (!data.data) return data.error ? <ProblemBox error={data.error} /> : <p aria-busy="true">Loading components…</p>;
  const { roles, templates, audiences, interests } = data.data;
  return (
    <>
      <h1>Components</h1>
      <Section title="Solution interests" id="interests">
        {interests.length === 0 && <p class="muted">None defined.</p>}
        {interests.map((si) => (
          <div class="card wide" key={si.id}>
            <h3>
              {si.name} <span class="muted">({si.id})</span>
            </h3>
            <p>
              Template <strong>{si.roleTemplateId}</strong> version {si.roleTemplateVersion} · audience{' '}
              <strong>{si.audienceId}</strong> · members from the{' '}
              {si.memberScope === 'account' ? 'account only' : 'account and its descendants'}
            </p>
            {admin && <PreviewTemplate interest={si} template={templates.find((t) => t.id === si.roleTemplateId)} />}
          </div>
        ))}
      </Section>
      <Section title="Role templates" id="templates">
        {templates.map((t) => (
          <TemplateCard key={t.id} template={t} />
        ))}
      </Section>
      <Section title="Account audiences" id="audiences">
        <ul>
          {audiences.map((a) => (
            <li key={a.id}>
              <strong>{a.name}</strong> <span class="muted">({a.id})</span>:{' '}
              {a.accountIds ? `${a.accountIds.length} accounts listed` : conditionInWords(a.conditions)}
            </li>
          ))}
        </ul>
      </Section>
      <Section title="Roles" id="roles">
        <ul class="inline-list">
          {roles.map((r) => (
            <li key={r.name}>
              {r.name}
              {r.default ? '' : ' (custom)'}
            </li>
          ))}
        </ul>
      </Section>
    </>
  );
}

function useTemplateVersion(template: Template | undefined, version: number) {
  return useLoad(async () => {
    if (!template) return null;
    if (version === template.version) return template;
    return get<Template>(`/v1/role-templates/${encodeURIComponent(template.id)}/versions/${version}`);
  }, [template?.id, version]);
}

function TemplateCard({ template }: { template: Template }) {
  const [version, setVersion] = useState(template.version);
  const shown = useTemplateVersion(template, version);
  const selectId = `tv-${template.id}`;
  return (
    <div class="card wide">
      <h3>
        {template.name} <span class="muted">({template.id})</span>
      </h3>
      <label for={selectId}>Version</label>{' '}
      <select id={selectId} value={version} onChange={(e) => setVersion(Number((e.target as HTMLSelectElement).value))}>
        {Array.from({ length: template.version }, (_, i) => template.version - i).map((v) => (
          <option key={v} value={v}>
            {v}
            {v === template.latestPublishedVersion ? ' (latest published)' : ''}
          </option>
        ))}
      </select>{' '}
      {shown.data && <span class="tag">{shown.data.status}</span>}
      <ProblemBox error={shown.error} />
      {shown.data && <SlotTable slots={shown.data.slots} />}
    </div>
  );
}

function SlotTable({ slots }: { slots: Template['slots'] }) {
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Slot</th>
          <th scope="col">Role</th>
          <th scope="col">Weight</th>
          <th scope="col">Required</th>
          <th scope="col">Members</th>
          <th scope="col">Who matches</th>
        </tr>
      </thead>
      <tbody>
        {slots.map((s, i) => (
          <tr key={i}>
            <td class="num">{i + 1}</td>
            <td>{s.role}</td>
            <td class="num">{s.weight}</td>
            <td>{s.required ? 'yes' : 'no'}</td>
            <td>
              {s.minMembers ?? 1}
              {s.maxMembers ? `–${s.maxMembers}` : '+'}
            </td>
            <td>{conditionInWords(s.conditions)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const sampleKinds: Record<string, string> = {
  groupsCreated: 'group created',
  groupsDissolved: 'group dissolved',
  membersAdded: 'member added',
  membersRemoved: 'member removed',
  membersRoleChanged: 'member moved',
};

/** Dry run: what pinning another version of the template would change in this solution interest's groups. */
function PreviewTemplate({ interest, template }: { interest: SolutionInterest; template: Template | undefined }) {
  const [version, setVersion] = useState(template?.version ?? 1);
  const [result, setResult] = useState<Preview | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  if (!template) return null;
  const selectId = `pv-${interest.id}`;
  const run = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const candidate =
        version === template.version
          ? template
          : await get<Template>(`/v1/role-templates/${encodeURIComponent(template.id)}/versions/${version}`);
      setResult(
        await call<Preview>('POST', `/v1/solution-interests/${encodeURIComponent(interest.id)}/preview`, {
          roleTemplate: { slots: candidate.slots },
        }),
      );
    } catch (e) {
      setError(e as ApiError);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="inline-form" onSubmit={run}>
      <label for={selectId}>Preview template version</label>
      <select id={selectId} value={version} onChange={(e) => setVersion(Number((e.target as HTMLSelectElement).value))}>
        {Array.from({ length: template.version }, (_, i) => template.version - i).map((v) => (
          <option key={v} value={v}>
            {v}
            {v === interest.roleTemplateVersion ? ' (pinned now)' : ''}
          </option>
        ))}
      </select>
      <button type="submit" disabled={busy}>
        {busy ? 'Computing…' : 'Dry run'}
      </button>
      <ProblemBox error={error} />
      {result && (
        <div class="preview" role="status">
          <p>
            {result.accountsEvaluated} accounts evaluated{result.complete ? '' : ' (stopped at the limit)'}: groups{' '}
            {result.groups.created} created, {result.groups.dissolved} dissolved, {result.groups.changed} changed,{' '}
            {result.groups.unchanged} unchanged; members {result.members.added} added, {result.members.removed} removed,{' '}
            {result.members.roleChanged} moved to another role. Nothing was changed.
          </p>
          <ul>
            {Object.entries(result.samples).flatMap(([kind, samples]) =>
              samples.slice(0, 5).map((s, i) => (
                <li key={`${kind}-${i}`}>
                  {sampleKinds[kind] ?? kind}:{' '}
                  <GroupLink id={s.buyingGroupId}>{s.accountName ?? s.accountId}</GroupLink>
                  {s.personId ? ` · ${s.personId}` : ''}
                  {s.role ? ` as ${s.role}` : ''}
                  {s.from ? ` from ${s.from} to ${s.to}` : ''}
                </li>
              )),
            )}
          </ul>
        </div>
      )}
    </form>
  );
}
