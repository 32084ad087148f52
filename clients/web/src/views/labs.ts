import type { MyDashboardQuery } from '../../../sdk';
import { escape, formatDate, humanize, section } from '../html';

type Patient = NonNullable<MyDashboardQuery['me']>;

export function labsView(patient: Patient): HTMLElement {
  const { root, body } = section('Latest labs', 'labs');
  const latest = patient.labResults?.edges[0]?.node;
  if (!latest) {
    body.innerHTML = '<p class="empty">No lab results yet.</p>';
    return root;
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
  return root;
}
