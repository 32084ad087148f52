// The care team's view of the web dashboard, in headless Chromium: a staff sign-in sees the
// open alerts, acknowledges one, watches a new one arrive live, and resolves one with a note;
// the patient concerned sees only that their care team was notified. Every change is checked
// against the graph. Screenshots go to clients/web/test/screenshots/.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../../test/support/browser';
import { seededPatientId, tokenFor } from '../../../test/support/auth';
import { gatewayUrl, gql } from '../../../test/support/graphql';
import { ROOT } from '../../../test/support/stack';
import { eventually } from '../../../test/support/ws';

const SCREENSHOTS = path.join(__dirname, 'screenshots');
// Patients 20-29 are this file's.
const PATIENT = 21;
const OTHER = 22;

let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
let admin: Record<string, string>;

/** A critical lab value for the patient, and the id of the alert it raises. */
async function criticalAlert(index: number, potassium: number): Promise<string> {
  const patientId = seededPatientId(index);
  const created = await gql(
    'mutation($p: ID!, $at: DateTime!, $v: Float!) { createLabResult(patientId: $p, input: { collectedAt: $at, readings: [{ code: "POTASSIUM", value: $v, unit: "mmol/L" }] }) { id } }',
    { p: patientId, at: new Date().toISOString(), v: potassium },
    { headers: admin },
  );
  expect(created.errors ?? []).toEqual([]);
  const resultId = created.data!.createLabResult.id;
  let id: string | undefined;
  await eventually(async () => {
    const alerts = await gql('query($p: ID!) { careAlerts(patientId: $p, first: 50) { edges { node { id source { id } } } } }', { p: patientId }, { headers: admin });
    id = alerts.data?.careAlerts.edges.map((e: any) => e.node).find((a: any) => a.source.id === resultId)?.id;
    return Boolean(id);
  }, 10_000, 'the alert');
  return id!;
}

async function alertById(id: string) {
  const response = await gql('query($p: ID!) { careAlerts(patientId: $p, first: 50) { edges { node { id status acknowledgedBy resolvedBy resolutionNote } } } }', { p: seededPatientId(PATIENT) }, { headers: admin });
  return response.data!.careAlerts.edges.map((e: any) => e.node).find((a: any) => a.id === id);
}

beforeAll(async () => {
  admin = { authorization: `Bearer ${await tokenFor('admin')}` };
  const build = spawnSync(path.join(ROOT, 'node_modules/.bin/vite'), ['build', '--config', 'clients/web/vite.config.mts'], { cwd: ROOT, encoding: 'utf8' });
  expect(build.status).toBe(0);
  mkdirSync(SCREENSHOTS, { recursive: true });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

describe("the care team's alert queue in the web dashboard", () => {
  let first: string;

  it('shows a staff sign-in the open alerts, most urgent first, and acknowledges one', async () => {
    first = await criticalAlert(PATIENT, 6.9);
    await page.goto(`${gatewayUrl()}/app/#token=${await tokenFor('staff')}`);
    await page.waitForSelector('main[data-ready="true"]', { timeout: 20_000 });
    expect(await page.textContent('[data-testid=who]')).toBe('Care team');
    const card = page.locator(`[data-testid=care-alert][data-id="${first}"]`);
    await card.waitFor();
    expect(await card.getAttribute('data-status')).toBe('OPEN');
    expect(await card.textContent()).toContain('Critical potassium 6.9 mmol/L');
    const severities = await page.$$eval('[data-testid=care-alert] .severity', (nodes) => nodes.map((n) => n.textContent));
    const order = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'];
    expect(severities.map((s) => order.indexOf(s!))).toEqual([...severities.map((s) => order.indexOf(s!))].sort((a, b) => a - b));

    await card.locator('[data-action=acknowledge]').click();
    await page.waitForSelector(`[data-testid=care-alert][data-id="${first}"][data-status="ACKNOWLEDGED"]`);
    expect(await alertById(first)).toMatchObject({ status: 'ACKNOWLEDGED', acknowledgedBy: 'user_test_staff' });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'care-alerts.png'), fullPage: true });
  });

  it('adds an alert raised while the page is open, live', async () => {
    const live = await criticalAlert(OTHER, 7.2);
    await page.waitForSelector(`[data-testid=care-alert][data-id="${live}"][data-status="OPEN"]`, { timeout: 5_000 });
    expect(Number(await page.getAttribute('[data-testid=care-alerts]', 'data-live'))).toBeGreaterThan(0);
  });

  it('resolves an alert with a note: it leaves the queue and the graph records who and why', async () => {
    const card = page.locator(`[data-testid=care-alert][data-id="${first}"]`);
    await card.locator('input[name=note]').fill('Called the patient; repeat potassium drawn today.');
    await card.locator('[data-action=resolve]').click();
    await page.waitForSelector(`[data-testid=care-alert][data-id="${first}"]`, { state: 'detached', timeout: 5_000 });
    expect(await alertById(first)).toMatchObject({ status: 'RESOLVED', resolvedBy: 'user_test_staff', resolutionNote: 'Called the patient; repeat potassium drawn today.' });
    expect(pageErrors).toEqual([]);
  });

  it("shows the patient only that their care team was notified, and that it has seen it", async () => {
    const patientPage = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    try {
      await patientPage.goto(`${gatewayUrl()}/app/#token=${await tokenFor('customer', { patientIndex: PATIENT })}`);
      await patientPage.waitForSelector('main[data-ready="true"]', { timeout: 20_000 });
      const notices = await patientPage.$$eval('[data-testid=care-team-notice]', (nodes) => nodes.map((n) => n.textContent));
      expect(notices).toContainEqual(expect.stringMatching(/^Your care team was notified \(critical lab value\) on .+ and has seen it\.$/));
      expect(await patientPage.isVisible('[data-testid=care-alerts]')).toBe(false);
      await patientPage.screenshot({ path: path.join(SCREENSHOTS, 'care-team-notice.png'), fullPage: true });
    } finally {
      await patientPage.close();
    }
  });

  it('tells a support sign-in it may not see alerts', async () => {
    const supportPage = await browser.newPage();
    try {
      await supportPage.goto(`${gatewayUrl()}/app/#token=${await tokenFor('support')}`);
      await supportPage.waitForSelector('text=may not see care alerts', { timeout: 20_000 });
    } finally {
      await supportPage.close();
    }
  });
});
