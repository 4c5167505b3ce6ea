import { describe, expect, it } from 'vitest';
import { toCsv } from './exportChart.ts';

describe('CSV export', () => {
  it('quotes fields with commas, quotes or line breaks and spells out non-finite numbers', () => {
    const csv = toCsv(['name', 'L>0 (nats)'], [
      ['a,b', -235.25],
      ['say "hi"', Infinity],
      ['two\nlines', NaN],
      ['plain', -Infinity],
    ]);
    expect(csv).toBe('name,L>0 (nats)\r\n"a,b",-235.25\r\n"say ""hi""",inf\r\n"two\nlines",nan\r\nplain,-inf\r\n');
  });
});
