import { get } from '../api';
import { useLoad, useNow } from '../hooks';
import type { AccountView } from '../types';
import { AccountLink, GroupLink, ProblemBox, Score, Section } from '../ui';
import { ago } from '../words';

const hidden = new Set(['accountId', 'name', 'parentAccountId', 'deleted']);

export function AccountPage({ id }: { id: string }) {
  const view = useLoad(() => get<AccountView>(`/v1/accounts/${encodeURIComponent(id)}`), [id]);
  const now = useNow();
  if (!view.data) return view.error ? <ProblemBox error={view.error} /> : <p aria-busy="true">Loading the account…</p>;
  const { account, parent, children, groups } = view.data;
  return (
    <article aria-labelledby="account-name">
      <h1 id="account-name">
        {account.name} <span class="muted">({account.accountId})</span>
      </h1>
      {account.deleted && <p class="tag missing">deleted in the CRM</p>}
      <Section title="Hierarchy" id="hierarchy">
        <p>
          Parent:{' '}
          {parent ? <AccountLink id={parent.accountId}>{parent.name}</AccountLink> : <span class="muted">none</span>}
        </p>
        <p>Children: {children.length === 0 && <span class="muted">none</span>}</p>
        <ul>
          {children.map((c) => (
            <li key={c.accountId}>
              <AccountLink id={c.accountId}>{c.name}</AccountLink>
            </li>
          ))}
        </ul>
      </Section>
      <Section title="Fields" id="fields">
        <dl class="fields-list">
          {Object.entries(account)
            .filter(([k]) => !hidden.has(k))
            .map(([k, v]) => (
              <div key={k}>
                <dt>{k}</dt>
                <dd>{typeof v === 'string' ? v : JSON.stringify(v)}</dd>
              </div>
            ))}
        </dl>
      </Section>
      <Section title="Buying groups" id="account-groups">
        <table>
          <thead>
            <tr>
              <th scope="col">Group</th>
              <th scope="col">Status</th>
              <th scope="col">Completeness</th>
              <th scope="col">Engagement</th>
              <th scope="col">Missing roles</th>
              <th scope="col">Last update</th>
            </tr>
          </thead>
          <tbody>
            {groups.map((g) => (
              <tr key={g.buyingGroupId}>
                <td>
                  <GroupLink id={g.buyingGroupId}>{g.name}</GroupLink>
                </td>
                <td>{g.status}</td>
                <td>
                  <Score value={g.completeness} label="completeness" />
                </td>
                <td>
                  <Score value={g.engagement} label="engagement" />
                </td>
                <td>{g.missingRoles.join(', ') || <span class="muted">none</span>}</td>
                <td>{ago(g.updatedAt, now)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
    </article>
  );
}
