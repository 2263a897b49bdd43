import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, call, follow, get, query, type LiveState } from '../api';
import { useLoad, useNow } from '../hooks';
import type { AccountView, History, HistoryItem, Items, Member, Role, Snapshot } from '../types';
import { AccountLink, LiveBadge, PersonLink, ProblemBox, Score, Section } from '../ui';
import { ago, causeInWords, changeInWords, reasonInWords } from '../words';

/** Every version of the group, oldest first (history pages followed to the end). */
async function loadHistory(id: string): Promise<HistoryItem[]> {
  const items: HistoryItem[] = [];
  let cursor: string | null = null;
  do {
    const page: History = await get<History>(
      `/v1/buying-groups/${encodeURIComponent(id)}/history${query({ limit: 500, cursor })}`,
    );
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null && items.length < 5_000);
  return items;
}

export function GroupPage({ id, admin }: { id: string; admin: boolean }) {
  const group = useLoad(async () => {
    const [snapshot, history] = await Promise.all([
      get<Snapshot>(`/v1/buying-groups/${encodeURIComponent(id)}`),
      loadHistory(id),
    ]);
    // The account's name and parent, one click from the group (a group outlives a deleted account: then no name).
    const account = await get<AccountView>(`/v1/accounts/${encodeURIComponent(snapshot.accountId)}`).catch(() => null);
    return { snapshot, history, account };
  }, [id]);
  const roles = useLoad(() => get<Items<Role>>('/v1/roles'), []);
  const [live, setLive] = useState<LiveState>('connecting');
  const [freshAt, setFreshAt] = useState<number | null>(null);
  const now = useNow(2_000);
  const reload = useRef(group.reload);
  reload.current = group.reload;
  const [editing, setEditing] = useState<string>('');

  useEffect(
    () =>
      follow(`/v1/buying-groups/live${query({ buyingGroupId: id, status: 'all' })}`, {
        onState: setLive,
        onOpen: (again) => {
          if (again) void reload.current();
        },
        onEvent: (event) => {
          if (event.event !== 'group' && event.event !== 'resync') return;
          void reload.current().then(() => setFreshAt(Date.now()));
        },
      }),
    [id],
  );

  if (!group.data) return group.error ? <ProblemBox error={group.error} /> : <p aria-busy="true">Loading the group…</p>;
  const { snapshot: g, history, account } = group.data;
  const fresh = freshAt !== null && now - freshAt < 10_000;
  const slotRoles = g.completeness.slots.map((s) => s.role);
  const contributions = new Map((g.engagement.members ?? []).map((m) => [m.personId, m]));
  const totalWeight = (g.engagement.members ?? []).reduce((sum, m) => sum + m.weight, 0);
  // Members by role, in the template's slot order, then roles outside it.
  const roleOrder = [...new Set([...slotRoles, ...g.members.map((m) => m.role)])];

  return (
    <article aria-labelledby="group-name">
      <div class="title-row">
        <h1 id="group-name">{g.name}</h1>
        <LiveBadge state={live} />
      </div>
      <p class="meta">
        <span class={`status ${g.status}`}>{g.status}</span> · version{' '}
        <strong data-testid="version">{g.version}</strong> · account{' '}
        <AccountLink id={g.accountId}>{account?.account.name ?? g.accountId}</AccountLink>
        {account?.parent && (
          <>
            {' '}
            (part of <AccountLink id={account.parent.accountId}>{account.parent.name}</AccountLink>)
          </>
        )}{' '}
        · solution interest {g.solutionInterestId} ·{' '}
        <span class={fresh ? 'cue' : ''} role="status" aria-live="polite">
          {fresh ? `updated just now (version ${g.version})` : `updated ${ago(g.computedAt, now)}`}
        </span>
      </p>
      <ProblemBox error={group.error} />

      <div class="cards">
        <div class="card">
          <h2>Completeness</h2>
          <Score value={g.completeness.score} label="completeness" />
        </div>
        <div class="card">
          <h2>Engagement</h2>
          <Score value={g.engagement.score} label="engagement" />
        </div>
        <div class="card">
          <h2>Missing roles</h2>
          {g.missingRoles.length === 0 ? (
            <p class="muted">none</p>
          ) : (
            <p>
              {g.missingRoles.map((r) => (
                <span key={r} class="tag missing">
                  {r}
                </span>
              ))}
            </p>
          )}
        </div>
      </div>

      <Section title="Members" id="members">
        {g.members.length === 0 && <p class="empty">No members.</p>}
        {roleOrder.map((role) => {
          const members = g.members.filter((m) => m.role === role);
          if (members.length === 0) return null;
          return (
            <div key={role} class="role-block">
              <h3>
                {role} <span class="muted">({members.length})</span>
              </h3>
              <table class="members">
                <thead>
                  <tr>
                    <th scope="col">Person</th>
                    <th scope="col">Source</th>
                    <th scope="col">Since</th>
                    <th scope="col">Why</th>
                    <th scope="col">Engagement</th>
                    {admin && <th scope="col">Actions</th>}
                  </tr>
                </thead>
                <tbody>
                  {members.map((m) => (
                    <MemberRow
                      key={m.personId}
                      member={m}
                      slotRoles={slotRoles}
                      contribution={contributions.get(m.personId)}
                      admin={admin}
                      groupId={g.buyingGroupId}
                      now={now}
                      onChangeRole={() => {
                        setEditing(m.personId);
                        document.getElementById('add-role')?.focus();
                      }}
                    />
                  ))}
                </tbody>
              </table>
            </div>
          );
        })}
        {admin && (
          <AddMember
            groupId={g.buyingGroupId}
            roles={roles.data?.items ?? []}
            personId={editing}
            setPersonId={setEditing}
          />
        )}
      </Section>

      <Section title="Removed members" id="removed">
        {g.removedMembers.length === 0 ? (
          <p class="muted">Nobody was removed.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Person</th>
                <th scope="col">Role</th>
                <th scope="col">Removed by</th>
                <th scope="col">When</th>
              </tr>
            </thead>
            <tbody>
              {g.removedMembers.map((r) => (
                <tr key={r.personId}>
                  <td>
                    <PersonLink id={r.personId} />
                  </td>
                  <td>{r.role}</td>
                  <td>{r.source}</td>
                  <td>{ago(r.removedAt, now)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>

      <Section title="Completeness by slot" id="slots">
        <table>
          <thead>
            <tr>
              <th scope="col">Slot</th>
              <th scope="col">Role</th>
              <th scope="col">Required</th>
              <th scope="col">Assigned / minimum</th>
              <th scope="col">Score</th>
            </tr>
          </thead>
          <tbody>
            {g.completeness.slots.map((s, i) => (
              <tr key={i}>
                <td class="num">{i + 1}</td>
                <td>{s.role}</td>
                <td>{s.required ? 'yes' : 'no'}</td>
                <td class="num">
                  {s.assigned} / {s.minMembers}
                </td>
                <td>
                  <Score value={s.score} label={`${s.role} slot`} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>

      <Section title="Engagement by member" id="engagement">
        {!g.engagement.members || g.engagement.members.length === 0 ? (
          <p class="muted">No per-member breakdown in this version.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Person</th>
                <th scope="col">Score</th>
                <th scope="col">Slot weight</th>
                <th scope="col">Weight in the group score</th>
              </tr>
            </thead>
            <tbody>
              {g.engagement.members.map((m) => (
                <tr key={m.personId}>
                  <td>
                    <PersonLink id={m.personId} />
                  </td>
                  <td class="num">{m.score}</td>
                  <td class="num">{m.weight}</td>
                  <td class="num">{totalWeight > 0 ? `${Math.round((m.weight / totalWeight) * 100)} %` : '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>

      <Section title="History" id="history">
        <ol class="timeline" reversed>
          {[...history].reverse().map((v) => (
            <li key={v.version}>
              <div class="when">
                <strong>Version {v.version}</strong> · {ago(v.computedAt, now)} · completeness {v.completeness.score} ·
                engagement {v.engagement.score}
              </div>
              <div class="cause">Cause: {causeInWords(v.cause)}</div>
              {v.coalesced && v.coalesced.length > 0 && (
                <div class="muted">also folded in: {v.coalesced.join(', ')}</div>
              )}
              <ul>
                {v.changes.map((c, i) => (
                  <li key={i}>{changeInWords(c)}</li>
                ))}
              </ul>
            </li>
          ))}
        </ol>
      </Section>
    </article>
  );
}

function MemberRow(props: {
  member: Member;
  slotRoles: string[];
  contribution: { score: number; weight: number } | undefined;
  admin: boolean;
  groupId: string;
  now: number;
  onChangeRole: () => void;
}) {
  const { member: m } = props;
  const [state, setState] = useState<{ pending?: string; error?: ApiError }>({});
  const remove = async () => {
    setState({ pending: 'Removal requested…' });
    try {
      const answer = await call<{ expected: string }>(
        'DELETE',
        `/v1/buying-groups/${encodeURIComponent(props.groupId)}/members/${encodeURIComponent(m.personId)}`,
      );
      setState({ pending: `Removal requested: ${answer.expected}` });
    } catch (error) {
      setState({ error: error as ApiError });
    }
  };
  return (
    <tr>
      <td>
        <PersonLink id={m.personId} />
      </td>
      <td>
        <span class={`tag source-${m.source}`}>{m.source}</span>
      </td>
      <td>{ago(m.since, props.now)}</td>
      <td class="reason">{reasonInWords(m.reason, m.source, props.slotRoles)}</td>
      <td class="num">{props.contribution ? props.contribution.score : '–'}</td>
      {props.admin && (
        <td>
          <button type="button" class="secondary" onClick={props.onChangeRole}>
            Change role<span class="visually-hidden"> of {m.personId}</span>
          </button>{' '}
          <button type="button" class="danger" onClick={remove} disabled={state.pending !== undefined}>
            Remove<span class="visually-hidden"> {m.personId}</span>
          </button>
          {state.pending && (
            <div class="muted" role="status">
              {state.pending}
            </div>
          )}
          <ProblemBox error={state.error ?? null} />
        </td>
      )}
    </tr>
  );
}

/** Adds a person in a role, or moves a member to another role (a manual edit: it wins over the rules). */
function AddMember(props: {
  groupId: string;
  roles: Role[];
  personId: string;
  setPersonId: (personId: string) => void;
}) {
  const { groupId, roles, personId, setPersonId } = props;
  const [role, setRole] = useState('');
  const [state, setState] = useState<{ message?: string; error?: ApiError }>({});
  const submit = async (event: Event) => {
    event.preventDefault();
    setState({});
    try {
      const answer = await call<{ expected: string }>(
        'POST',
        `/v1/buying-groups/${encodeURIComponent(groupId)}/members`,
        {
          personId: personId.trim(),
          role,
        },
      );
      setState({ message: `Requested: ${answer.expected}` });
    } catch (error) {
      setState({ error: error as ApiError });
    }
  };
  return (
    <form class="inline-form" onSubmit={submit} aria-labelledby="add-member-title">
      <h3 id="add-member-title">Add a member or change a member's role</h3>
      <label for="add-person">Person id</label>
      <input
        id="add-person"
        required
        value={personId}
        onInput={(e) => setPersonId((e.target as HTMLInputElement).value)}
      />
      <label for="add-role">Role</label>
      <select id="add-role" required value={role} onChange={(e) => setRole((e.target as HTMLSelectElement).value)}>
        <option value="">Choose a role</option>
        {roles.map((r) => (
          <option key={r.name} value={r.name}>
            {r.name}
          </option>
        ))}
      </select>
      <button type="submit">Add or change role</button>
      {state.message && (
        <p class="muted" role="status">
          {state.message}
        </p>
      )}
      <ProblemBox error={state.error ?? null} />
    </form>
  );
}
