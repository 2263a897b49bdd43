/** Query parameters whose values are credentials in some API or other; their values never reach the audit trail. */
const SECRET_PARAM = /token|key|secret|password|passwd|signature|sig|auth|jwt|credential/i;

/** The URL as it may be stored and shown: user-info dropped, secret-looking query values replaced. */
export function redactUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return '[unparseable url]';
  }
  url.username = '';
  url.password = '';
  for (const name of [...url.searchParams.keys()]) {
    if (SECRET_PARAM.test(name)) url.searchParams.set(name, 'REDACTED');
  }
  return url.toString();
}
