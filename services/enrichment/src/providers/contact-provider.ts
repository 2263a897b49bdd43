/** What a contact-data provider knows about one person; any field it does not know is null. */
export interface ContactRecord {
  /** The provider's own id for the person, so later calls (enrich, dedupe) can name them exactly. */
  providerId: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  jobTitle: string | null;
  department: string | null;
  /** Normalised to the seniority vocabulary our role rules use (`C-Level`, `VP`, `Director`, …). */
  seniority: string | null;
  companyName: string | null;
}

/** A person found at an account, candidate to fill a missing buying-group slot. */
export type FoundContact = ContactRecord;

/** A known person whose record lacks title, department or seniority. */
export interface EnrichedContact extends ContactRecord {
  /** Echoes the caller's `personId`, so the result maps back to the person it was asked for. */
  personId: string;
}

export interface ContactSearch {
  /** The account's web domain: the most precise way to name a company to a provider. */
  accountDomain?: string | null;
  /** Used when the domain is unknown. */
  accountName: string;
  /** Job titles that would fill the missing slot; any of them matches. */
  titles: string[];
  /** At most this many contacts come back (and no more are paid for). */
  limit: number;
}

export interface EnrichInput {
  /** The caller's id for the person (ours, not the provider's). */
  personId: string;
  /** The provider's id when we already have it (e.g. from a search): the exact match. */
  providerId?: string | null;
  email?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  companyName?: string | null;
}

/**
 * A contact-data provider, as the enrichment service sees it. ZoomInfo is one adapter; another provider is another
 * implementation of this interface. Failures are ProviderError, by kind.
 */
export interface ContactProvider {
  /** Short stable name, used in `source: "enrichment/<name>"` and in the call audit. */
  readonly name: string;
  searchContacts(search: ContactSearch): Promise<FoundContact[]>;
  /** Returns only the people the provider matched; people it cannot identify are left out. */
  enrichContacts(people: EnrichInput[]): Promise<EnrichedContact[]>;
}
