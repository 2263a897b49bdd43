import { describe, expect, it } from 'vitest';
import { prefersHtml } from '../../src/domain/negotiation';

describe('GET /docs: HTML for a browser, the OpenAPI JSON for everyone else', () => {
  it('gives a browser address bar HTML', () => {
    expect(prefersHtml('text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8')).toBe(true);
    expect(prefersHtml('text/html')).toBe(true);
  });

  it('gives JSON without an Accept header, for */* and when JSON ranks at least as high', () => {
    expect(prefersHtml(undefined)).toBe(false);
    expect(prefersHtml('*/*')).toBe(false);
    expect(prefersHtml('application/json')).toBe(false);
    expect(prefersHtml('application/json, text/html')).toBe(false);
    expect(prefersHtml('text/html;q=0.5, application/json')).toBe(false);
    expect(prefersHtml('text/html;q=0')).toBe(false);
  });
});
