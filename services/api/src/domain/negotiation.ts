/**
 * Whether a request's Accept header asks for HTML before JSON: what a browser's address bar sends
 * (`text/html,…,*\/*;q=0.8`). No header, `*\/*` alone, or JSON ranked at least as high as HTML mean JSON, so that
 * API clients (and CONTRACT.md's `GET /docs`) keep getting the document.
 */
export function prefersHtml(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  let html = 0;
  let json = 0;
  for (const part of accept.split(',')) {
    const [range = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const q = params.map((p) => /^q=([0-9.]+)$/.exec(p)).find((m) => m !== null);
    const weight = q ? Number(q[1]) : 1;
    if (range === 'text/html' || range === 'application/xhtml+xml') html = Math.max(html, weight);
    if (range === 'application/json') json = Math.max(json, weight);
  }
  return html > 0 && html > json;
}
