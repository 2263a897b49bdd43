import { useState } from 'preact/hooks';
import { ApiError, get } from '../api';
import { session, type Scope } from '../session';
import { ProblemBox } from '../ui';

/** Sign-in with an API token (the one `npm start` prints); kept for this tab only. */
export function SignIn({ onSignedIn }: { onSignedIn: (scope: Scope) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    session.save(token.trim());
    try {
      const { scope } = await get<{ scope: Scope }>('/v1/session');
      onSignedIn(scope);
    } catch (e) {
      session.clear();
      setError(
        e instanceof ApiError && e.status === 401
          ? new ApiError(401, 'this token is not valid for this API')
          : (e as ApiError),
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" class="sign-in">
      <h1>Buying groups console</h1>
      <p>
        Sign in with an API token: a <strong>read</strong> token shows everything, an <strong>admin</strong> token may
        also edit members, import and preview component changes. <code>npm start</code> prints both. The token stays in
        this tab only.
      </p>
      <form onSubmit={submit}>
        <label for="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autocomplete="off"
          required
          value={token}
          onInput={(e) => setToken((e.target as HTMLInputElement).value)}
        />
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <ProblemBox error={error} />
    </main>
  );
}
