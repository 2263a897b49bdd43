/**
 * The name of the first query parameter whose %-escapes do not decode to UTF-8 text (`%ED%A0%80`, half of a UTF-16
 * surrogate pair, or a lone `%`), or null. The query parser hands such a parameter on undecoded, as if the client had
 * meant those characters; the path's escapes are already refused by the router.
 */
export function undecodableQueryParameter(url: string): string | null {
  const start = url.indexOf('?');
  if (start < 0) return null;
  for (const pair of url.slice(start + 1).split('&')) {
    if (decodes(pair)) continue;
    const name = pair.split('=')[0]!;
    return decodes(name) ? decodeURIComponent(name.replaceAll('+', ' ')) : name;
  }
  return null;
}

function decodes(text: string): boolean {
  try {
    decodeURIComponent(text.replaceAll('+', ' '));
    return true;
  } catch {
    return false;
  }
}
