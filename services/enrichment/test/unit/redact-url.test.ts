import { describe, expect, it } from 'vitest';
import { redactUrl } from '../../src/resilience/redact-url';

describe('redactUrl', () => {
  it('drops user-info and replaces secret-looking query values', () => {
    expect(redactUrl('https://user:pw@api.example.com/v1/x?access_token=abc&apiKey=k&page=2')).toBe(
      'https://api.example.com/v1/x?access_token=REDACTED&apiKey=REDACTED&page=2',
    );
  });

  it('keeps ordinary URLs as they are', () => {
    expect(redactUrl('https://api.linkedin.com/rest/dmpSegments?q=account&start=0')).toBe(
      'https://api.linkedin.com/rest/dmpSegments?q=account&start=0',
    );
    expect(redactUrl('not a url')).toBe('[unparseable url]');
  });
});
