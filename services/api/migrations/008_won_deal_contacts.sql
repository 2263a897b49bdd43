-- The people on won deals are training data too (CONTRACT.md §8): a change of one of them, or their late arrival after
-- the deal, retrains the model. This finds whether a chunk's people are contacts on any won deal without a scan.
CREATE INDEX opportunities_won_contacts_idx ON opportunities
  USING gin (jsonb_path_query_array(data, '$.contactRoles[*].personId'))
  WHERE stage = 'won';
