/** A company as an ad platform matches it: by name and/or web domain (at least one). */
export interface AudienceCompany {
  companyName?: string | null;
  companyWebsiteDomain?: string | null;
}

/** What the platform did with one batch of changes; it accepts or refuses each company separately. */
export interface AudienceChangeResult {
  accepted: number;
  rejected: Array<{ company: AudienceCompany; status: number }>;
}

/**
 * A matched company audience on an ad platform (one per solution interest): accounts with missing roles are added so
 * campaigns can reach the missing personas there, and removed once the roles are filled.
 */
export interface CompanyAudience {
  readonly name: string;
  /** The id of the audience called `name`, created when it does not exist yet. */
  ensureSegment(name: string): Promise<string>;
  addCompanies(segmentId: string, companies: AudienceCompany[]): Promise<AudienceChangeResult>;
  removeCompanies(segmentId: string, companies: AudienceCompany[]): Promise<AudienceChangeResult>;
}
