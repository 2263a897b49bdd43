-- CONTRACT.md §7: `GET /v1/buying-groups/{id}` lists the account's opportunities for the group's solution interest.
CREATE INDEX opportunities_account_id_solution_interest_id_idx ON opportunities (account_id, (data ->> 'solutionInterestId'));
