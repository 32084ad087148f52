// The patient dashboard: profile, latest labs, protocols, a live wearable chart and a Luna chat,
// all through the typed SDK against the gateway this page is served from. The dashboard query
// defers its slow part (labs, health score, wearable readings: @defer over multipart/mixed), so
// the page paints the patient at once and fills that part in when it arrives; `main` records
// each part applied (data-parts) and what was ready then (data-parts-log). Subscriptions travel
// over WebSockets, or over SSE with `?transport=sse`. A sign-in without a patient record (staff,
// providers, admins) gets the care team's view: the alert queue.
import { LoopClient, LoopGraphQLError, MyDashboardDeferredDocument, type PatientLabsFieldsFragment, type PatientRecentReadingsFieldsFragment } from '../../sdk';
import { escape } from './html';
import { careAlertsView } from './views/care-alerts';
import { chatView } from './views/chat';
import { labsView } from './views/labs';
import { profileView } from './views/profile';
import { protocolsView } from './views/protocols';
import { wearablesView } from './views/wearables';
import { signInForm, signOut, takeTokenFromUrl } from './session';
import './style.css';

const app = document.getElementById('app')!;
const graphqlUrl = new URL('/graphql', location.href).toString();

const subscriptionTransport = new URLSearchParams(location.search).get('transport') === 'sse' ? 'sse' : 'websocket';

/** The deferred part's fields (the generated type of the query leaves them out). */
type DeferredPart = Partial<PatientLabsFieldsFragment & PatientRecentReadingsFieldsFragment>;

/** Notes a part applied: how many so far, and which sections were ready at that moment. */
function noteParts(count: number): void {
  const ready = [...app.querySelectorAll<HTMLElement>('section[data-testid]')].filter((s) => s.dataset.state !== 'loading').map((s) => s.dataset.testid);
  app.dataset.parts = String(count);
  app.dataset.partsLog = [app.dataset.partsLog, `${count}:${ready.join(',')}`].filter(Boolean).join(' ');
}

async function show(token: string): Promise<void> {
  const client = new LoopClient({ url: graphqlUrl, token, subscriptionTransport });
  app.innerHTML = '<p class="empty">Loading your dashboard…</p>';
  try {
    const parts = client.requestInParts(MyDashboardDeferredDocument, {});
    const first = await parts.next();
    const me = first.done ? null : first.value.data.me;
    const signOutButton = document.getElementById('sign-out')!;
    signOutButton.hidden = false;
    signOutButton.onclick = signOut;
    if (!me) {
      await parts.return(undefined);
      return await showCareTeam(client);
    }
    document.getElementById('who')!.textContent = `${me.firstName} ${me.lastName}`;
    const profile = profileView(me);
    const labs = labsView();
    const wearables = wearablesView(client, me.id);
    app.replaceChildren(profile.root, labs.root, protocolsView(me), wearables.root, chatView(client));
    app.dataset.ready = 'true';
    addEventListener('pagehide', () => {
      wearables.stop();
      void client.close();
    });
    let count = 1;
    const fillIn = (patient: DeferredPart) => {
      if (patient.labResults !== undefined) {
        labs.show(patient as PatientLabsFieldsFragment);
        profile.showScore(patient.healthScore ?? null);
      }
      if (patient.wearableReadings !== undefined) wearables.load(patient as PatientRecentReadingsFieldsFragment);
    };
    if (first.value && !first.value.hasNext) fillIn(me as DeferredPart);
    noteParts(count);
    try {
      for await (const step of parts) {
        count += 1;
        const patient = step.data.me as DeferredPart;
        fillIn(patient);
        // A refusal or failure inside the deferred part: the sections it left empty say so.
        if (step.error && !patient.labResults) labs.fail(step.error.message);
        if (step.error && !patient.wearableReadings) wearables.fail(step.error.message);
        noteParts(count);
      }
    } catch (error) {
      labs.fail((error as Error).message);
      wearables.fail((error as Error).message);
    }
    app.dataset.complete = 'true';
  } catch (error) {
    const code = error instanceof LoopGraphQLError ? error.code : 'NETWORK_ERROR';
    if (code === 'UNAUTHENTICATED') {
      signOut();
      return;
    }
    app.innerHTML = `<section class="card error"><h2>Something went wrong</h2><p>${escape((error as Error).message)} (${escape(code)})</p></section>`;
  }
}

/** The care team's view; a sign-in that may not see alerts (support) is told so. */
async function showCareTeam(client: LoopClient): Promise<void> {
  const alerts = careAlertsView(client);
  try {
    await alerts.ready;
  } catch (error) {
    alerts.stop();
    if (error instanceof LoopGraphQLError && error.code === 'FORBIDDEN') {
      app.innerHTML = '<section class="card"><h2>No patient record</h2><p>This sign-in has no patient record and may not see care alerts.</p></section>';
      return;
    }
    throw error;
  }
  document.getElementById('who')!.textContent = 'Care team';
  app.replaceChildren(alerts.root);
  app.dataset.ready = 'true';
  addEventListener('pagehide', () => {
    alerts.stop();
    void client.close();
  });
}

const token = takeTokenFromUrl();
if (token) void show(token);
else signInForm(app, (t) => void show(t));
