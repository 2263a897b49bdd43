import { useEffect, useRef, useState } from 'preact/hooks';
import { follow, get, query, type LiveState } from '../api';
import { useLoad, useNow } from '../hooks';
import { navigate } from '../router';
import type { GroupList, GroupSummary, Items, Role, SolutionInterest } from '../types';
import { AccountLink, GroupLink, LiveBadge, ProblemBox, Score } from '../ui';
import { ago } from '../words';

/** Every query parameter of GET /v1/buying-groups (CONTRACT.md §5), plus sort and page size. */
const filterNames = [
  'solutionInterestId',
  'accountId',
  'missingRole',
  'completenessLt',
  'completenessGte',
  'engagementGte',
  'status',
] as const;
type Filters = Partial<Record<(typeof filterNames)[number] | 'sort' | 'limit', string>>;

const sorts = [
  ['', 'Group id'],
  ['completeness', 'Completeness, lowest first'],
  ['-completeness', 'Completeness, highest first'],
  ['engagement', 'Engagement, lowest first'],
  ['-engagement', 'Engagement, highest first'],
] as const;

/** The workflow's shortcuts: each a click that sets one filter (or clears it when already set). */
const quick: { label: string; set: Filters }[] = [
  { label: 'Decision Maker missing', set: { missingRole: 'Decision Maker' } },
  { label: 'Completeness < 50', set: { completenessLt: '50' } },
  { label: 'Engagement ≥ 50', set: { engagementGte: '50' } },
];

type Row = GroupSummary & { freshAt?: number; left?: boolean };

export function GroupsPage({ query: hashQuery }: { query: URLSearchParams }) {
  const filters: Filters = Object.fromEntries(
    [...filterNames, 'sort', 'limit'].flatMap((name) => {
      const value = hashQuery.get(name);
      return value ? [[name, value]] : [];
    }),
  );
  const filterKey = JSON.stringify(filters);
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors[cursors.length - 1] ?? null;
  useEffect(() => setCursors([null]), [filterKey]);

  const list = useLoad(() => get<GroupList>(`/v1/buying-groups${query({ ...filters, cursor })}`), [filterKey, cursor]);
  const interests = useLoad(() => get<Items<SolutionInterest>>('/v1/solution-interests'), []);
  const roles = useLoad(() => get<Items<Role>>('/v1/roles'), []);

  const reload = useRef(list.reload);
  reload.current = list.reload;
  const [rows, setRows] = useState<Row[]>([]);
  const [entered, setEntered] = useState(0);
  const [live, setLive] = useState<LiveState>('connecting');
  const now = useNow(2_000);
  useEffect(() => {
    if (list.data) {
      setRows(list.data.items);
      setEntered(0);
    }
  }, [list.data]);

  // The list follows the same filters live: a shown group is updated in place (or marked when it leaves the
  // filters); a group that newly matches is counted, shown when the operator reloads the page of results.
  useEffect(() => {
    const { sort: _sort, limit: _limit, ...streamFilters } = filters;
    return follow(`/v1/buying-groups/live${query(streamFilters)}`, {
      onState: setLive,
      onOpen: (again) => {
        if (again) void reload.current();
      },
      onEvent: (event) => {
        if (event.event === 'resync') return void reload.current();
        if (event.event !== 'group') return;
        const { matches, group } = JSON.parse(event.data) as { matches: boolean; group: GroupSummary };
        setRows((current) => {
          const at = current.findIndex((r) => r.buyingGroupId === group.buyingGroupId);
          if (at < 0) {
            if (matches) setEntered((n) => n + 1);
            return current;
          }
          if (current[at]!.version > group.version) return current;
          const next = [...current];
          next[at] = { ...group, freshAt: Date.now(), left: !matches };
          return next;
        });
      },
    });
  }, [filterKey]);

  const interestNames = new Map((interests.data?.items ?? []).map((si) => [si.id, si.name]));
  const setFilters = (next: Filters) => {
    const clean = Object.fromEntries(Object.entries(next).filter(([, v]) => v !== undefined && v !== ''));
    navigate(['groups'], clean as Record<string, string>);
  };
  const field = (name: keyof Filters) => ({
    id: `f-${name}`,
    name,
    value: filters[name] ?? '',
    onChange: (e: Event) => setFilters({ ...filters, [name]: (e.target as HTMLInputElement).value }),
  });

  return (
    <>
      <div class="title-row">
        <h1>Buying groups</h1>
        <LiveBadge state={live} />
      </div>
      <form class="filters" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
        <div class="quick" role="group" aria-label="Quick filters">
          {quick.map((q) => {
            const active = Object.entries(q.set).every(([k, v]) => filters[k as keyof Filters] === v);
            return (
              <button
                key={q.label}
                type="button"
                class="chip"
                aria-pressed={active}
                onClick={() =>
                  setFilters({
                    ...filters,
                    ...Object.fromEntries(Object.entries(q.set).map(([k, v]) => [k, active ? undefined : v])),
                  })
                }
              >
                {q.label}
              </button>
            );
          })}
          {Object.keys(filters).length > 0 && (
            <button type="button" class="link" onClick={() => setFilters({})}>
              Clear filters
            </button>
          )}
        </div>
        <div class="fields">
          <label for="f-solutionInterestId">Solution interest</label>
          <select {...field('solutionInterestId')}>
            <option value="">Any</option>
            {interests.data?.items.map((si) => (
              <option key={si.id} value={si.id}>
                {si.name} ({si.id})
              </option>
            ))}
          </select>
          <label for="f-missingRole">Missing role</label>
          <select {...field('missingRole')}>
            <option value="">Any</option>
            {roles.data?.items.map((r) => (
              <option key={r.name} value={r.name}>
                {r.name}
              </option>
            ))}
          </select>
          <label for="f-accountId">Account id</label>
          <input type="search" {...field('accountId')} />
          <label for="f-completenessLt">Completeness below</label>
          <input type="number" min={0} max={100} {...field('completenessLt')} />
          <label for="f-completenessGte">Completeness at least</label>
          <input type="number" min={0} max={100} {...field('completenessGte')} />
          <label for="f-engagementGte">Engagement at least</label>
          <input type="number" min={0} max={100} {...field('engagementGte')} />
          <label for="f-status">Status</label>
          <select {...field('status')}>
            <option value="">Active</option>
            <option value="dissolved">Dissolved</option>
            <option value="all">All</option>
          </select>
          <label for="f-sort">Sort by</label>
          <select {...field('sort')}>
            {sorts.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
          <label for="f-limit">Per page</label>
          <select {...field('limit')}>
            {['', '20', '100', '500'].map((n) => (
              <option key={n} value={n}>
                {n || '50'}
              </option>
            ))}
          </select>
        </div>
      </form>
      <ProblemBox error={list.error} />
      {entered > 0 && (
        <p class="notice" role="status">
          {entered} more {entered === 1 ? 'group matches' : 'groups match'} the filters now.{' '}
          <button type="button" onClick={() => void list.reload()}>
            Show them
          </button>
        </p>
      )}
      <table class="groups" aria-busy={list.loading}>
        <caption class="visually-hidden">Buying groups matching the filters</caption>
        <thead>
          <tr>
            <th scope="col">Group</th>
            <th scope="col">Account</th>
            <th scope="col">Solution interest</th>
            <th scope="col">Status</th>
            <th scope="col">Completeness</th>
            <th scope="col">Engagement</th>
            <th scope="col">Members</th>
            <th scope="col">Missing roles</th>
            <th scope="col">Last update</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((g) => {
            const fresh = g.freshAt !== undefined && now - g.freshAt < 10_000;
            return (
              <tr key={g.buyingGroupId} class={`${fresh ? 'fresh' : ''} ${g.left ? 'left' : ''}`}>
                <td>
                  <GroupLink id={g.buyingGroupId}>{g.name}</GroupLink>
                </td>
                <td>
                  <AccountLink id={g.accountId}>{g.accountName ?? g.accountId}</AccountLink>
                </td>
                <td>{interestNames.get(g.solutionInterestId) ?? g.solutionInterestId}</td>
                <td>
                  <span class={`status ${g.status}`}>{g.status}</span>
                </td>
                <td>
                  <Score value={g.completeness} label="completeness" />
                </td>
                <td>
                  <Score value={g.engagement} label="engagement" />
                </td>
                <td class="num">{g.memberCount}</td>
                <td>
                  {g.missingRoles.length === 0 ? (
                    <span class="muted">none</span>
                  ) : (
                    g.missingRoles.map((r) => (
                      <span key={r} class="tag missing">
                        {r}
                      </span>
                    ))
                  )}
                </td>
                <td>
                  {fresh ? <strong class="cue">updated just now</strong> : ago(g.updatedAt, now)}
                  {g.left && <span class="tag">no longer matches</span>}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {!list.loading && rows.length === 0 && <p class="empty">No group matches these filters.</p>}
      <nav class="pager" aria-label="Pages">
        <button type="button" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          Previous page
        </button>
        <span>Page {cursors.length}</span>
        <button
          type="button"
          disabled={!list.data?.nextCursor}
          onClick={() => list.data?.nextCursor && setCursors([...cursors, list.data.nextCursor])}
        >
          Next page
        </button>
      </nav>
    </>
  );
}
