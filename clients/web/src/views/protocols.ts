// The patient's active protocols, from the dashboard's first part.
import type { PatientHeaderFieldsFragment } from '../../../sdk';
import { escape, formatDate, section } from '../html';

type Patient = PatientHeaderFieldsFragment;

export function protocolsView(patient: Patient): HTMLElement {
  const { root, body } = section('Protocols', 'protocols');
  const protocols = patient.protocols ?? [];
  body.innerHTML = protocols.length
    ? protocols
        .map(
          (protocol) => `<article class="protocol">
            <h3>${escape(protocol.name)}</h3>
            <p class="meta">${escape(protocol.goal ?? '')} · since ${escape(formatDate(protocol.startDate))}</p>
            <ul>${protocol.items
              .map((item) => `<li>${escape(item.peptide?.name ?? 'Peptide')} — ${item.doseAmount} ${escape(item.doseUnit)}, ${escape(item.frequency)} (${escape(item.route)})</li>`)
              .join('')}</ul>
          </article>`,
        )
        .join('')
    : '<p class="empty">No active protocols.</p>';
  return root;
}
