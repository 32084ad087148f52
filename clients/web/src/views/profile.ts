// The patient's profile and care-team notices, painted from the dashboard's first part; the
// health score (computed from labs and wearables) is filled in when the deferred part arrives.
import type { PatientHeaderFieldsFragment, PatientLabsFieldsFragment } from '../../../sdk';
import { escape, formatDate, humanize, section } from '../html';

type Patient = PatientHeaderFieldsFragment;

export function profileView(patient: Patient): { root: HTMLElement; showScore(score: PatientLabsFieldsFragment['healthScore']): void } {
  const { root, body } = section('Profile', 'profile');
  body.innerHTML = `
    <p class="name" data-testid="patient-name">${escape(patient.firstName)} ${escape(patient.lastName)}</p>
    <dl>
      <dt>Born</dt><dd>${escape(formatDate(patient.dateOfBirth))}</dd>
      <dt>Membership</dt><dd>${patient.membership ? `${escape(patient.membership.plan)} · ${escape(humanize(patient.membership.status))}` : '—'}</dd>
      <dt>Conditions</dt><dd>${escape(patient.conditions.join(', ') || 'none recorded')}</dd>
      <dt>Medications</dt><dd>${escape(patient.medications.join(', ') || 'none recorded')}</dd>
    </dl>
    <div class="score" data-testid="health-score" data-state="loading"><span>Health score loading…</span></div>
    ${noticesHtml(patient.careTeamNotices)}`;
  const scoreBox = body.querySelector('[data-testid=health-score]') as HTMLElement;
  return {
    root,
    showScore(score) {
      scoreBox.innerHTML = score ? `<strong>${score.score}</strong><span>health score</span>` : '<span>No health score yet</span>';
      scoreBox.dataset.state = 'ready';
    },
  };
}

/** That the care team was notified (an emergency message, a critical result), and whether it has seen it: never the alert itself. */
function noticesHtml(notices: Patient['careTeamNotices']): string {
  if (!notices?.length) return '';
  const items = notices
    .map((notice) => `<li data-testid="care-team-notice">Your care team was notified (${escape(humanize(notice.kind))}) on ${escape(formatDate(notice.notifiedAt))}${notice.seenByCareTeam ? ' and has seen it' : ''}.</li>`)
    .join('');
  return `<ul class="notices">${items}</ul>`;
}
