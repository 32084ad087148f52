// A live wearable chart: the latest readings of one metric, drawn as an SVG line, with every
// new reading from the wearableReadingAdded subscription added as it arrives. The recent
// readings come in the dashboard's deferred part (load()); the subscription opens at once.
import { LoopClient, WearableReadingAddedDocument, type PatientRecentReadingsFieldsFragment, type WearableMetric } from '../../../sdk';
import { escape, humanize, section } from '../html';

const METRICS: WearableMetric[] = ['RESTING_HR', 'HRV_RMSSD', 'SLEEP_SCORE', 'RECOVERY_SCORE', 'GLUCOSE', 'STEPS'];
const MAX_POINTS = 60;

interface Point {
  at: number;
  value: number;
}

function chart(points: Point[], unit: string): string {
  if (points.length === 0) return '<p class="empty">No readings for this metric yet.</p>';
  const width = 560;
  const height = 160;
  const values = points.map((p) => p.value);
  const [min, max] = [Math.min(...values), Math.max(...values)];
  const span = max - min || 1;
  const x = (i: number) => (points.length === 1 ? width / 2 : (i / (points.length - 1)) * (width - 20) + 10);
  const y = (v: number) => height - 15 - ((v - min) / span) * (height - 30);
  const path = points.map((p, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
  const last = points[points.length - 1];
  return `<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="readings chart" data-points="${points.length}">
      <path d="${path}" fill="none" stroke="currentColor" stroke-width="2"/>
      <circle cx="${x(points.length - 1).toFixed(1)}" cy="${y(last.value).toFixed(1)}" r="4"/>
    </svg>
    <p class="meta">min ${min} · max ${max} ${escape(unit)} · ${points.length} readings</p>`;
}

export interface WearablesView {
  root: HTMLElement;
  /** Draws the recent readings (the dashboard's deferred part). */
  load(patient: PatientRecentReadingsFieldsFragment): void;
  fail(message: string): void;
  stop(): void;
}

export function wearablesView(client: LoopClient, patientId: string): WearablesView {
  const { root, body } = section('Wearables', 'wearables');
  root.dataset.state = 'loading';
  body.innerHTML = `
    <label>Metric <select></select></label>
    <p class="live" data-testid="live-reading">Waiting for live readings…</p>
    <div class="chart"><p class="empty">Loading…</p></div>`;
  const select = body.querySelector('select') as HTMLSelectElement;
  const live = body.querySelector('.live') as HTMLElement;
  const chartBox = body.querySelector('.chart') as HTMLElement;
  /** Readings by metric, oldest first; the chart shows the selected one. */
  const series = new Map<WearableMetric, { unit: string; points: Point[] }>();
  let liveCount = 0;

  const draw = () => {
    const selected = series.get(select.value as WearableMetric);
    chartBox.innerHTML = chart(selected?.points ?? [], selected?.unit ?? '');
  };
  const add = (metric: WearableMetric, unit: string, point: Point) => {
    const entry = series.get(metric) ?? { unit, points: [] };
    entry.points = [...entry.points, point].sort((a, b) => a.at - b.at).slice(-MAX_POINTS);
    series.set(metric, entry);
  };
  const fillOptions = () => {
    // Metrics with data first, so the chart opens on something to see.
    const ordered = [...METRICS].sort((a, b) => Number(series.has(b)) - Number(series.has(a)));
    const current = select.value;
    select.innerHTML = ordered.map((m) => `<option value="${m}">${escape(humanize(m))}${series.has(m) ? '' : ' (no data)'}</option>`).join('');
    select.value = current && series.has(current as WearableMetric) ? current : ordered[0];
  };
  select.addEventListener('change', draw);
  const load = (patient: PatientRecentReadingsFieldsFragment) => {
    for (const { node } of patient.wearableReadings?.edges ?? []) add(node.metric, node.unit, { at: Date.parse(node.recordedAt), value: node.value });
    fillOptions();
    draw();
    root.dataset.state = 'ready';
  };
  const fail = (message: string) => {
    chartBox.textContent = `Could not load readings: ${message}`;
    root.dataset.state = 'failed';
  };

  const stop = client.subscribe(WearableReadingAddedDocument, { patientId }, {
    next: ({ wearableReadingAdded: reading }) => {
      liveCount += 1;
      live.textContent = `Live: ${humanize(reading.metric)} ${reading.value} ${reading.unit} (${liveCount} new)`;
      live.dataset.count = String(liveCount);
      const isNewMetric = !series.has(reading.metric);
      add(reading.metric, reading.unit, { at: Date.parse(reading.recordedAt), value: reading.value });
      if (isNewMetric) fillOptions();
      if (reading.metric === select.value) draw();
    },
    error: (error) => (live.textContent = `Live updates stopped: ${error.message}`),
  });
  return { root, load, fail, stop };
}
