import type { MyDashboardQuery } from '../../../sdk';
import { escape, formatDate, humanize, section } from '../html';

type Patient = NonNullable<MyDashboardQuery['me']>;

export function profileView(patient: Patient): HTMLElement {
  const { root, body } = section('Profile', 'profile');
  const score = patient.healthScore;
  body.innerHTML = `
    <p class="name" data-testid="patient-name">${escape(patient.firstName)} ${escape(patient.lastName)}</p>
    <dl>
      <dt>Born</dt><dd>${escape(formatDate(patient.dateOfBirth))}</dd>
      <dt>Membership</dt><dd>${patient.membership ? `${escape(patient.membership.plan)} · ${escape(humanize(patient.membership.status))}` : '—'}</dd>
      <dt>Conditions</dt><dd>${escape(patient.conditions.join(', ') || 'none recorded')}</dd>
      <dt>Medications</dt><dd>${escape(patient.medications.join(', ') || 'none recorded')}</dd>
    </dl>
    <div class="score" data-testid="health-score">${score ? `<strong>${score.score}</strong><span>health score</span>` : '<span>No health score yet</span>'}</div>
    ${noticesHtml(patient.careTeamNotices)}`;
  return root;
}

/** That the care team was notified (an emergency message, a critical result), and whether it has seen it: never the alert itself. */
function noticesHtml(notices: Patient['careTeamNotices']): string {
  if (!notices?.length) return '';
  const items = notices
    .map((notice) => `<li data-testid="care-team-notice">Your care team was notified (${escape(humanize(notice.kind))}) on ${escape(formatDate(notice.notifiedAt))}${notice.seenByCareTeam ? ' and has seen it' : ''}.</li>`)
    .join('');
  return `<ul class="notices">${items}</ul>`;
}
