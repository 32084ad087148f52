// The patient dashboard: profile, latest labs, protocols, a live wearable chart and a Luna chat,
// all through the typed SDK against the gateway this page is served from. A sign-in without a
// patient record (staff, providers, admins) gets the care team's view: the alert queue.
import { LoopClient, LoopGraphQLError, MyDashboardDocument } from '../../sdk';
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

async function show(token: string): Promise<void> {
  const client = new LoopClient({ url: graphqlUrl, token });
  app.innerHTML = '<p class="empty">Loading your dashboard…</p>';
  try {
    const { me } = await client.request(MyDashboardDocument);
    const signOutButton = document.getElementById('sign-out')!;
    signOutButton.hidden = false;
    signOutButton.onclick = signOut;
    if (!me) return await showCareTeam(client);
    document.getElementById('who')!.textContent = `${me.firstName} ${me.lastName}`;
    const wearables = wearablesView(client, me.id);
    app.replaceChildren(profileView(me), labsView(me), protocolsView(me), wearables.root, chatView(client));
    app.dataset.ready = 'true';
    addEventListener('pagehide', () => {
      wearables.stop();
      void client.close();
    });
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
