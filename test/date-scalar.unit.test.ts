// The Date scalar (shared/graphql/scalars.ts) answers a day given as a Date or as 'YYYY-MM-DD'
// text (listed daily stats are read as text): a real calendar day as it is, anything else refused
// as before, so the text path and the Date path agree on every day.
import { DateScalar } from '../shared/graphql/scalars';

describe('the Date scalar', () => {
  it('answers every day from 1899 to 2101 the same whether given as text or as a Date', () => {
    const disagreeing: string[] = [];
    for (let t = Date.UTC(1899, 0, 1); t <= Date.UTC(2101, 11, 31); t += 86_400_000) {
      const date = new Date(t);
      const text = date.toISOString().slice(0, 10);
      if (DateScalar.serialize(text) !== text || DateScalar.serialize(date) !== text) disagreeing.push(text);
    }
    expect(disagreeing).toEqual([]);
  });

  it('refuses text that is not a calendar day', () => {
    for (const bad of ['2026-02-29', '1900-02-29', '2026-04-31', '2026-13-01', '2026-00-10', '2026-01-00', '2026-1-01', '20260101', '2026-01-01T00:00:00Z', '']) {
      expect(() => DateScalar.serialize(bad)).toThrow(/Date cannot represent/);
    }
    expect(DateScalar.serialize('2000-02-29')).toBe('2000-02-29');
    expect(DateScalar.serialize('2024-02-29')).toBe('2024-02-29');
  });
});
