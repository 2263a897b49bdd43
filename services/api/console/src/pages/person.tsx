import { get } from '../api';
import { useLoad, useNow } from '../hooks';
import type { PersonView } from '../types';
import { AccountLink, GroupLink, ProblemBox, Section } from '../ui';
import { ago } from '../words';

const shown = ['firstName', 'lastName', 'email', 'jobTitle', 'department', 'seniority', 'country'];

export function PersonPage({ id }: { id: string }) {
  const view = useLoad(() => get<PersonView>(`/v1/persons/${encodeURIComponent(id)}`), [id]);
  const now = useNow();
  if (!view.data) return view.error ? <ProblemBox error={view.error} /> : <p aria-busy="true">Loading the person…</p>;
  const { person, accounts, memberships, removedFrom } = view.data;
  const name = [person.firstName, person.lastName].filter(Boolean).join(' ');
  return (
    <article aria-labelledby="person-name">
      <h1 id="person-name">
        {name || person.personId} <span class="muted">({person.personId})</span>
      </h1>
      {person.deleted && <p class="tag missing">deleted in the CRM</p>}
      <dl class="fields-list">
        {shown
          .filter((k) => person[k] !== undefined && person[k] !== null)
          .map((k) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{String(person[k])}</dd>
            </div>
          ))}
      </dl>
      <Section title="Accounts" id="person-accounts">
        <ul>
          {accounts.map((a) => (
            <li key={a.accountId}>
              <AccountLink id={a.accountId}>{a.name ?? a.accountId}</AccountLink> — {a.relationship}
            </li>
          ))}
        </ul>
      </Section>
      <Section title="Memberships" id="memberships">
        {memberships.length === 0 ? (
          <p class="muted">Not a member of any group.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Group</th>
                <th scope="col">Role</th>
                <th scope="col">Source</th>
                <th scope="col">Status</th>
                <th scope="col">Since</th>
              </tr>
            </thead>
            <tbody>
              {memberships.map((m) => (
                <tr key={m.buyingGroupId}>
                  <td>
                    <GroupLink id={m.buyingGroupId}>{m.name}</GroupLink>
                  </td>
                  <td>{m.role}</td>
                  <td>{m.source}</td>
                  <td>{m.status}</td>
                  <td>{ago(m.since, now)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
      {removedFrom.length > 0 && (
        <Section title="Removed from" id="removed-from">
          <ul>
            {removedFrom.map((r) => (
              <li key={r.buyingGroupId}>
                <GroupLink id={r.buyingGroupId}>{r.name}</GroupLink> — was {r.role}, removed ({r.source}){' '}
                {ago(r.removedAt, now)}
              </li>
            ))}
          </ul>
        </Section>
      )}
    </article>
  );
}
