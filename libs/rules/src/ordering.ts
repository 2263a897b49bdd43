/**
 * Orderings that every replica (and the oracle) must agree on, so none of them depends on the locale or on the
 * machine's time zone.
 */

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?)?$/i;

/** Code-unit order: the same on every machine, unlike `localeCompare`. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Milliseconds since the epoch of an ISO-8601 date or date-time, or null when `value` is not one. A time without a
 * zone is read as UTC (never as local time), and impossible dates such as Feb 30 are refused rather than rolled over.
 */
export function instantOf(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const parts = ISO_INSTANT.exec(value.trim());
  if (!parts) return null;
  const [, year, month, day, time, zone] = parts;
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (date.getUTCMonth() !== Number(month) - 1 || date.getUTCDate() !== Number(day)) return null;
  const offset = zone === undefined || zone.toUpperCase() === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const millis = Date.parse(`${year}-${month}-${day}T${time ?? '00:00'}${offset}`);
  return Number.isNaN(millis) ? null : millis;
}

/** Earlier first; timestamps that do not parse fall back to text order so that sorting never breaks. */
export function compareInstants(a: string, b: string): number {
  const x = instantOf(a);
  const y = instantOf(b);
  return x === null || y === null ? compareText(a, b) : Math.sign(x - y);
}
