import { useEffect, useState } from 'preact/hooks';

/** Where the console is: `#/<path>?<query>` (hash routing: the server serves one page). */
export type Route = { path: string[]; query: URLSearchParams };

export function currentRoute(): Route {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path = '', search = ''] = hash.split('?', 2);
  return { path: path.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(search) };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const changed = () => setRoute(currentRoute());
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return route;
}

/** `#/segment/…?query` with each segment escaped. */
export function href(path: string[], query?: URLSearchParams | Record<string, string>): string {
  const search = query === undefined ? '' : new URLSearchParams(query).toString();
  return `#/${path.map(encodeURIComponent).join('/')}${search ? `?${search}` : ''}`;
}

export function navigate(path: string[], query?: URLSearchParams | Record<string, string>): void {
  location.hash = href(path, query);
}
