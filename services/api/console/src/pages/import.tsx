import { useState } from 'preact/hooks';
import { ApiError, call } from '../api';
import { ProblemBox } from '../ui';

type ImportResult = { importId: string; accepted: number; rejected: { line: number; reason: string }[] };

/** Uploads a CSV or NDJSON file of memberships and shows what was accepted and each refused line with its reason. */
export function ImportPage({ admin }: { admin: boolean }) {
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    setResult(null);
    const ndjson = /\.(ndjson|jsonl)$/i.test(file.name) || file.type === 'application/x-ndjson';
    try {
      setResult(
        await call<ImportResult>(
          'POST',
          '/v1/imports/buying-groups',
          file,
          ndjson ? 'application/x-ndjson' : 'text/csv',
        ),
      );
    } catch (e) {
      setError(e as ApiError);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <h1>Import memberships</h1>
      <p>
        A CSV file with a header row, or NDJSON (one object per line, <code>.ndjson</code>), with the fields{' '}
        <code>accountId</code>, <code>solutionInterestId</code>, <code>personId</code> (or <code>email</code>) and{' '}
        <code>role</code>. Each accepted row becomes a member edit with import precedence.
      </p>
      {!admin && <p class="notice">Importing needs an admin token; this one is read-only.</p>}
      <form class="inline-form" onSubmit={submit}>
        <label for="import-file">File (CSV or NDJSON)</label>
        <input
          id="import-file"
          type="file"
          accept=".csv,.ndjson,.jsonl,text/csv,application/x-ndjson"
          required
          onChange={(e) => setFile((e.target as HTMLInputElement).files?.[0] ?? null)}
        />
        <button type="submit" disabled={!admin || busy || !file}>
          {busy ? 'Importing…' : 'Import'}
        </button>
      </form>
      <ProblemBox error={error} />
      {result && (
        <section aria-labelledby="import-result" role="status">
          <h2 id="import-result">
            {result.accepted} accepted, {result.rejected.length} refused
          </h2>
          {result.rejected.length > 0 && (
            <table>
              <thead>
                <tr>
                  <th scope="col">Line</th>
                  <th scope="col">Why it was refused</th>
                </tr>
              </thead>
              <tbody>
                {result.rejected.map((r) => (
                  <tr key={r.line}>
                    <td class="num">{r.line}</td>
                    <td>{r.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
    </>
  );
}
