// The rule for using labs' copy of the wearables part: a part with data in today's 14-day
// window is used as it is; one whose latest day has left the window, or without data, is none.
import { currentPart, type StoredWearablesPart } from '../wearables-part';

const NOW = new Date('2026-12-03T10:00:00.000Z');
const stored = (lastDay: string | null, score: number | null = 80): StoredWearablesPart => ({
  profileId: '00000000-0000-4000-8000-000000000001',
  score,
  components: score === null ? [] : [{ name: 'SLEEP', score, detail: 'mean sleep score 80 over 3 days' }],
  lastDay,
});

describe('the wearables part the health score uses', () => {
  it('is the stored part while its latest day is in the window (today and the 13 days before)', () => {
    expect(currentPart(stored('2026-12-03'), NOW)).toEqual({ score: 80, components: [{ name: 'SLEEP', score: 80, detail: 'mean sleep score 80 over 3 days' }] });
    expect(currentPart(stored('2026-11-20'), NOW)).not.toBeNull();
  });

  it('is none once that day has left the window, without data, or without a part', () => {
    expect(currentPart(stored('2026-11-19'), NOW)).toBeNull();
    expect(currentPart(stored(null, null), NOW)).toBeNull();
    expect(currentPart(null, NOW)).toBeNull();
  });
});
