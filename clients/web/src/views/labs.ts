// The latest lab result with each biomarker's status. It arrives in the dashboard's deferred
// part: the section shows that it is loading until then (data-state: loading, ready, failed).
import type { PatientLabsFieldsFragment } from '../../../sdk';
import { escape, formatDate, humanize, section } from '../html';

export function labsView(): { root: HTMLElement; show(patient: PatientLabsFieldsFragment): void; fail(message: string): void } {
  const { root, body } = section('Latest labs', 'labs');
  root.dataset.state = 'loading';
  body.innerHTML = '<p class="empty">Loading your latest labs…</p>';
  return {
    root,
    show(patient) {
      render(body, patient);
      root.dataset.state = 'ready';
    },
    fail(message) {
      body.innerHTML = `<p class="empty">Could not load labs: ${escape(message)}</p>`;
      root.dataset.state = 'failed';
    },
  };
}

function render(body: HTMLElement, patient: PatientLabsFieldsFragment): void {
  const latest = patient.labResults?.edges[0]?.node;
  if (!latest) {
    body.innerHTML = '<p class="empty">No lab results yet.</p>';
    return;
  }
  const rows = latest.readings
    .map(
      (reading) => `<tr data-status="${escape(reading.status)}">
        <td>${escape(reading.name)}</td>
        <td class="num">${reading.value ?? '—'} ${escape(reading.unit ?? '')}</td>
        <td class="range">${reading.referenceRange ? `${reading.referenceRange.low ?? ''}–${reading.referenceRange.high ?? ''}` : ''}</td>
        <td><span class="status status-${escape(reading.status.toLowerCase())}">${escape(humanize(reading.status))}</span></td>
      </tr>`,
    )
    .join('');
  body.innerHTML = `<p class="meta">${escape(latest.labName ?? 'Lab report')} · collected ${escape(formatDate(latest.collectedAt))}</p>
    <table><thead><tr><th>Biomarker</th><th>Value</th><th>Range</th><th>Status</th></tr></thead><tbody>${rows}</tbody></table>`;
}
