import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { get, unauthorized } from './api';
import { href, navigate, useRoute } from './router';
import { session, type Scope } from './session';
import { AccountPage } from './pages/account';
import { ComponentsPage } from './pages/components';
import { GroupPage } from './pages/group';
import { GroupsPage } from './pages/groups';
import { ImportPage } from './pages/import';
import { PersonPage } from './pages/person';
import { SignIn } from './pages/sign-in';

function App() {
  const route = useRoute();
  const [scope, setScope] = useState<Scope | null>(null);
  const [checked, setChecked] = useState(false);

  // A token kept from earlier in this tab is checked once; a 401 anywhere signs out.
  useEffect(() => {
    const signOut = () => {
      session.clear();
      setScope(null);
    };
    unauthorized.addEventListener('401', signOut);
    if (session.token()) {
      get<{ scope: Scope }>('/v1/session')
        .then((s) => setScope(s.scope))
        .catch(() => undefined)
        .finally(() => setChecked(true));
    } else setChecked(true);
    return () => unauthorized.removeEventListener('401', signOut);
  }, []);

  if (!checked) return <p class="boot">Checking the session…</p>;
  if (scope === null || route.path[0] === 'sign-in') {
    return (
      <SignIn
        onSignedIn={(s) => {
          setScope(s);
          const next = route.query.get('next');
          if (next?.startsWith('/docs')) location.assign(next);
          else if (route.path[0] === 'sign-in') navigate(['groups']);
        }}
      />
    );
  }

  const [page = 'groups', id] = route.path;
  const admin = scope === 'admin';
  let content;
  if (page === 'groups' && id) content = <GroupPage id={id} admin={admin} />;
  else if (page === 'accounts' && id) content = <AccountPage id={id} />;
  else if (page === 'persons' && id) content = <PersonPage id={id} />;
  else if (page === 'components') content = <ComponentsPage admin={admin} />;
  else if (page === 'import') content = <ImportPage admin={admin} />;
  else content = <GroupsPage query={route.query} />;

  const nav = [
    ['groups', 'Buying groups'],
    ['components', 'Components'],
    ['import', 'Import'],
  ] as const;
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}>
        Skip to content
      </a>
      <header class="top">
        <span class="brand">Buying groups</span>
        <nav aria-label="Main">
          {nav.map(([path, label]) => (
            <a key={path} href={href([path])} aria-current={page === path ? 'page' : undefined}>
              {label}
            </a>
          ))}
          {/* Same tab: a tab opened without an opener does not get this tab's sessionStorage (the token). */}
          <a href="/docs/ui/">API docs</a>
        </nav>
        <span class="who">
          {admin ? 'Admin' : 'Read-only'} token
          <button
            type="button"
            class="link"
            onClick={() => {
              session.clear();
              setScope(null);
            }}
          >
            Sign out
          </button>
        </span>
      </header>
      <main id="main" tabIndex={-1}>
        {content}
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
