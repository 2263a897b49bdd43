import type { ContactRecord } from './contact-provider';
import type { EnrichedContactData, SearchContactHit } from './zoominfo-schemas';

/**
 * ZoomInfo management levels → the seniority vocabulary of our role rules (CONTRACT.md uses `C-Level`, `VP`, …).
 * Unknown levels pass through unchanged rather than being lost.
 */
const SENIORITY_BY_LEVEL: Readonly<Record<string, string>> = {
  'c-level': 'C-Level',
  'vp-level': 'VP',
  director: 'Director',
  manager: 'Manager',
  'non-manager': 'Individual Contributor',
  'board member': 'Board Member',
};

/** ZoomInfo lists a person's levels, e.g. `["C-Level"]`; the first one is their current seniority. */
export function toSeniority(managementLevel: string[] | string | null | undefined): string | null {
  const first = (Array.isArray(managementLevel) ? managementLevel[0] : managementLevel)?.trim();
  if (!first) return null;
  return SENIORITY_BY_LEVEL[first.toLowerCase()] ?? first;
}

const orNull = (value: string | null | undefined): string | null => (value?.trim() ? value.trim() : null);

/** Contact Search returns no email, department or level: those stay null until an enrich fills them. */
export function fromSearchHit(hit: SearchContactHit): ContactRecord {
  return {
    providerId: hit.id,
    firstName: orNull(hit.firstName),
    lastName: orNull(hit.lastName),
    email: null,
    jobTitle: orNull(hit.jobTitle),
    department: null,
    seniority: null,
    companyName: orNull(hit.company?.name),
  };
}

export function fromEnriched(data: EnrichedContactData): ContactRecord {
  const jobFunction = data.jobFunction?.[0];
  return {
    providerId: data.id,
    firstName: orNull(data.firstName),
    lastName: orNull(data.lastName),
    email: orNull(data.email),
    jobTitle: orNull(data.jobTitle),
    department: orNull(jobFunction?.department) ?? orNull(jobFunction?.name),
    seniority: toSeniority(data.managementLevel),
    companyName: orNull(data.company?.name),
  };
}

/** The enriched record wins field by field; the search hit fills what enrichment left empty. */
export function mergeRecords(found: ContactRecord, enriched: ContactRecord | undefined): ContactRecord {
  if (!enriched) return found;
  const pick = (key: Exclude<keyof ContactRecord, 'providerId'>) => enriched[key] ?? found[key];
  return {
    providerId: found.providerId,
    firstName: pick('firstName'),
    lastName: pick('lastName'),
    email: pick('email'),
    jobTitle: pick('jobTitle'),
    department: pick('department'),
    seniority: pick('seniority'),
    companyName: pick('companyName'),
  };
}
