import type { ComponentChildren } from 'preact';
import type { ApiError } from './api';
import type { LiveState } from './api';
import { href } from './router';

/** Shared pieces of the pages. */

export function ProblemBox({ error }: { error: ApiError | null }) {
  if (!error) return null;
  return (
    <div class="problem" role="alert">
      <strong>{error.status === 0 ? 'Cannot reach the API' : `Error ${error.status}`}:</strong> {error.message}
      {error.errors.length > 0 && (
        <ul>
          {error.errors.map((e) => (
            <li key={e.path}>
              <code>{e.path}</code>: {e.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Score({ value, label }: { value: number; label: string }) {
  const tone = value >= 80 ? 'good' : value >= 50 ? 'fair' : 'poor';
  return (
    <span class={`score ${tone}`} title={`${label} ${value} of 100`}>
      <span class="bar" aria-hidden="true">
        <span style={{ width: `${value}%` }} />
      </span>
      <span class="value">{value}</span>
    </span>
  );
}

export function LiveBadge({ state }: { state: LiveState }) {
  const text = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…' }[state];
  return (
    <span class={`live ${state}`} role="status" aria-live="polite">
      <span class="dot" aria-hidden="true" /> {text}
    </span>
  );
}

export const GroupLink = ({ id, children }: { id: string; children: ComponentChildren }) => (
  <a href={href(['groups', id])}>{children}</a>
);
export const AccountLink = ({ id, children }: { id: string; children?: ComponentChildren }) => (
  <a href={href(['accounts', id])}>{children ?? id}</a>
);
export const PersonLink = ({ id }: { id: string }) => <a href={href(['persons', id])}>{id}</a>;

export function Section({ title, children, id }: { title: string; children: ComponentChildren; id?: string }) {
  const headingId = `h-${id ?? title.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      {children}
    </section>
  );
}
