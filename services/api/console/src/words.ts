/** Pure wording for the console: reasons, changes, causes and times, as an operator reads them. */

export type MatchTrace = { field: string; op: string; value?: unknown; actual?: unknown };
export type MemberReason = {
  slot: number | null;
  matched: MatchTrace[];
  skipped?: { slot: number; why: 'no-match' | 'full' }[];
  note?: string;
  // AI suggestions (CONTRACT §8) carry these instead of predicates.
  model?: string;
  confidence?: number;
  because?: { field: string; value: unknown }[];
};

const show = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`;
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  return JSON.stringify(value);
};

/** "CMO matched jobTitle hasAnyWord [CMO]" for one predicate. */
export function traceInWords(trace: MatchTrace): string {
  const value = 'value' in trace && trace.value !== undefined ? ` ${show(trace.value)}` : '';
  const actual = trace.actual === undefined || trace.actual === null ? '(no value)' : show(trace.actual);
  return `${actual} matched ${trace.field} ${trace.op}${value}`;
}

/**
 * Why a member holds their role: the predicates they matched, the higher-priority slots they did not take (by the
 * role of each slot, from `slotRoles`), and any note.
 */
export function reasonInWords(reason: MemberReason, source: string, slotRoles: readonly string[] = []): string {
  const slotName = (slot: number) => `slot ${slot + 1}${slotRoles[slot] ? ` (${slotRoles[slot]})` : ''}`;
  const parts: string[] = [];
  if (reason.matched.length > 0) parts.push(reason.matched.map(traceInWords).join(' and '));
  if (reason.model !== undefined) {
    const because = (reason.because ?? []).map((b) => `${b.field} ${show(b.value)}`).join(', ');
    const confidence = reason.confidence === undefined ? '' : ` with confidence ${reason.confidence}`;
    parts.push(`suggested by model ${reason.model}${confidence}${because ? ` because of ${because}` : ''}`);
  }
  if (reason.matched.length === 0 && reason.model === undefined) {
    parts.push(source === 'rule' ? 'matched a slot with no conditions' : `${source} edit`);
  }
  if (reason.skipped && reason.skipped.length > 0) {
    const skipped = reason.skipped.map((s) => `${slotName(s.slot)} ${s.why === 'full' ? 'was full' : 'did not match'}`);
    parts.push(`not placed earlier: ${skipped.join('; ')}`);
  }
  if (reason.note) parts.push(reason.note);
  if (reason.slot !== null) parts.push(`in ${slotName(reason.slot)}`);
  return parts.join(' · ');
}

export type GroupChange =
  | { kind: 'group.created' | 'group.dissolved' }
  | { kind: 'member.added' | 'member.removed'; personId: string; role: string; source: string }
  | { kind: 'member.role-changed'; personId: string; from: string; to: string }
  | { kind: 'role.missing' | 'role.filled'; role: string }
  | { kind: 'completeness.changed' | 'engagement.changed'; from: number; to: number }
  | { kind: string; [key: string]: unknown };

export function changeInWords(change: GroupChange): string {
  const c = change as Record<string, unknown>;
  switch (change.kind) {
    case 'group.created':
      return 'group created';
    case 'group.dissolved':
      return 'group dissolved';
    case 'member.added':
      return `${c.personId} added as ${c.role} (${c.source})`;
    case 'member.removed':
      return `${c.personId} removed from ${c.role} (${c.source})`;
    case 'member.role-changed':
      return `${c.personId} moved from ${c.from} to ${c.to}`;
    case 'role.missing':
      return `${c.role} is missing`;
    case 'role.filled':
      return `${c.role} is filled`;
    case 'completeness.changed':
      return `completeness ${c.from} → ${c.to}`;
    case 'engagement.changed':
      return `engagement ${c.from} → ${c.to}`;
    case 'group.stalled':
      return 'group stalled (no progress)';
    case 'group.unstalled':
      return 'group moving again';
    case 'member.disengaged':
      return `${c.personId} (${c.role}) disengaged: ${c.lastActivityAt ? `last active ${c.lastActivityAt}` : 'no activity'}`;
    case 'member.reengaged':
      return `${c.personId} (${c.role}) engaged again`;
    default:
      return change.kind;
  }
}

/** What caused a version, in words: an operator action or the CRM event by type, source and id. */
export function causeInWords(cause: { eventId: string; eventType: string; source?: string }): string {
  const operator: Record<string, string> = {
    'operator.solution-interest.defined': 'solution interest defined',
    'operator.solution-interest.deleted': 'solution interest deleted',
    'operator.account-audience.defined': 'account audience defined',
    'operator.member.added': 'member added by an operator',
    'operator.member.removed': 'member removed by an operator',
    'operator.member.imported': 'member imported',
    'engagement.rescored': 'periodic engagement re-score',
    'signals.checked': 'periodic signals check',
  };
  const what = operator[cause.eventType] ?? cause.eventType;
  return `${what} (${cause.source ? `${cause.source}, ` : ''}${cause.eventId})`;
}

/** "just now", "12 s ago", "5 min ago", "3 h ago", else the date. */
export function ago(instant: string, now: number): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(instant)) / 1000));
  if (seconds < 5) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return new Date(instant).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

/** A condition tree in words: `jobTitle containsAny [CMO, Chief Marketing] and (…)`. */
export function conditionInWords(node: unknown): string {
  if (node === undefined || node === null) return 'always';
  const n = node as { all?: unknown[]; any?: unknown[]; field?: string; op?: string; value?: unknown };
  if (Array.isArray(n.all)) return n.all.map((c) => wrap(c)).join(' and ') || 'always';
  if (Array.isArray(n.any)) return n.any.map((c) => wrap(c)).join(' or ') || 'never';
  return `${n.field} ${n.op}${n.value === undefined ? '' : ` ${show(n.value)}`}`;
}

function wrap(node: unknown): string {
  const text = conditionInWords(node);
  const n = node as { all?: unknown[]; any?: unknown[] };
  return Array.isArray(n.all) || Array.isArray(n.any) ? `(${text})` : text;
}
