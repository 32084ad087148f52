// The care team's view (admin, staff, provider): the open and acknowledged alerts, most
// urgent first, with acknowledge and resolve (a note says what was done); new and escalated
// alerts arrive live from the careAlertRaised subscription.
import { AcknowledgeCareAlertDocument, CareAlertRaisedDocument, CareAlertsDocument, LoopClient, LoopGraphQLError, ResolveCareAlertDocument, type CareAlertFieldsFragment } from '../../../sdk';
import { escape, humanize, section } from '../html';

const SEVERITY_ORDER = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'];
const when = (iso: string) => new Date(iso).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

export function careAlertsView(client: LoopClient): { root: HTMLElement; ready: Promise<void>; stop(): void } {
  const { root, body } = section('Care alerts', 'care-alerts');
  root.classList.add('alerts');
  body.innerHTML = '<p class="meta" data-testid="alerts-summary"></p><div class="list"></div>';
  const list = body.querySelector('.list') as HTMLElement;
  const summary = body.querySelector('[data-testid=alerts-summary]') as HTMLElement;
  const alerts = new Map<string, CareAlertFieldsFragment>();

  const render = () => {
    const shown = [...alerts.values()]
      .filter((alert) => alert.status !== 'RESOLVED')
      .sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) || b.createdAt.localeCompare(a.createdAt));
    const open = shown.filter((alert) => alert.status === 'OPEN').length;
    summary.textContent = `${open} open, ${shown.length - open} acknowledged`;
    list.replaceChildren(...shown.map(card));
    root.dataset.open = String(open);
  };

  const card = (alert: CareAlertFieldsFragment): HTMLElement => {
    const element = document.createElement('article');
    element.className = `alert severity-${alert.severity.toLowerCase()}`;
    element.dataset.testid = 'care-alert';
    element.dataset.id = alert.id;
    element.dataset.status = alert.status;
    element.innerHTML = `
      <header><span class="severity">${escape(alert.severity)}</span> <strong>${escape(alert.title)}</strong></header>
      <p class="meta">${escape(`${alert.patient.firstName} ${alert.patient.lastName}`)} · ${escape(humanize(alert.kind))} · raised ${escape(when(alert.createdAt))}${
        alert.escalationLevel ? ` · <span class="escalated">escalated ×${alert.escalationLevel}</span>` : ''
      }${alert.acknowledgedBy ? ` · acknowledged by ${escape(alert.acknowledgedBy)}` : ''}</p>
      <form class="actions">
        ${alert.status === 'OPEN' ? '<button type="button" data-action="acknowledge">Acknowledge</button>' : ''}
        <input name="note" placeholder="What was done (to resolve)" minlength="5" maxlength="2000" required />
        <button type="submit" data-action="resolve">Resolve</button>
        <span class="error-text" role="alert"></span>
      </form>`;
    const form = element.querySelector('form') as HTMLFormElement;
    const error = element.querySelector('.error-text') as HTMLElement;
    const act = async (work: () => Promise<CareAlertFieldsFragment>) => {
      error.textContent = '';
      for (const button of form.querySelectorAll('button')) button.disabled = true;
      try {
        const updated = await work();
        alerts.set(updated.id, updated);
        render();
      } catch (failure) {
        error.textContent = failure instanceof LoopGraphQLError ? failure.message : 'Could not reach the server';
        for (const button of form.querySelectorAll('button')) button.disabled = false;
      }
    };
    element.querySelector('[data-action=acknowledge]')?.addEventListener('click', () =>
      act(async () => (await client.request(AcknowledgeCareAlertDocument, { id: alert.id })).acknowledgeCareAlert),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const note = (form.elements.namedItem('note') as HTMLInputElement).value.trim();
      void act(async () => (await client.request(ResolveCareAlertDocument, { id: alert.id, note })).resolveCareAlert);
    });
    return element;
  };

  const stop = client.subscribe(CareAlertRaisedDocument, {}, {
    next: ({ careAlertRaised }) => {
      alerts.set(careAlertRaised.id, careAlertRaised);
      render();
      root.dataset.live = String(Number(root.dataset.live ?? 0) + 1);
    },
  });
  const ready = (async () => {
    const { careAlerts } = await client.request(CareAlertsDocument, { status: ['OPEN', 'ACKNOWLEDGED'], first: 100 });
    for (const edge of careAlerts?.edges ?? []) if (!alerts.has(edge.node.id)) alerts.set(edge.node.id, edge.node);
    render();
  })();
  return { root, ready, stop };
}
