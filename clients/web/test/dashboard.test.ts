// The web dashboard end to end, in headless Chromium (test/support/browser.ts picks which):
// built with Vite, served by the gateway at /app/, signed in as a seeded patient. It shows
// the patient's own data, draws a reading that arrives over the live subscription, and
// streams a Luna answer. Screenshots of each state go to clients/web/test/screenshots/.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../../test/support/browser';
import { seededPatientId, tokenFor } from '../../../test/support/auth';
import { gatewayUrl, gql } from '../../../test/support/graphql';
import { ROOT } from '../../../test/support/stack';

const SCREENSHOTS = path.join(__dirname, 'screenshots');
const PATIENT = 4;

let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

async function recordReading(value: number): Promise<void> {
  const response = await gql(
    'mutation($p: ID!, $r: [WearableReadingInput!]!) { recordWearableReadings(patientId: $p, readings: $r) { inserted } }',
    { p: seededPatientId(PATIENT), r: [{ provider: 'OURA', metric: 'RESTING_HR', value, unit: 'bpm', recordedAt: new Date().toISOString(), providerReadingId: `web-${Date.now()}-${value}` }] },
    { headers: { authorization: `Bearer ${await tokenFor('admin')}` } },
  );
  expect(response.errors ?? []).toEqual([]);
}

beforeAll(async () => {
  const build = spawnSync(path.join(ROOT, 'node_modules/.bin/vite'), ['build', '--config', 'clients/web/vite.config.mts'], { cwd: ROOT, encoding: 'utf8' });
  expect(build.stderr).not.toMatch(/error/i);
  expect(build.status).toBe(0);
  mkdirSync(SCREENSHOTS, { recursive: true });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  const token = await tokenFor('customer', { patientIndex: PATIENT });
  await page.goto(`${gatewayUrl()}/app/#token=${token}`);
  await page.waitForSelector('main[data-ready="true"]', { timeout: 20_000 });
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

describe('the web dashboard', () => {
  it("loads and shows the signed-in patient's own profile, labs with statuses and protocols", async () => {
    const truth = await gql('query($id: ID!) { patient(id: $id) { firstName lastName labResults(first: 1) { edges { node { readings { status } } } } } }', { id: seededPatientId(PATIENT) }, {
      headers: { authorization: `Bearer ${await tokenFor('admin')}` },
    });
    const patient = truth.data!.patient;
    expect(await page.textContent('[data-testid=patient-name]')).toBe(`${patient.firstName} ${patient.lastName}`);
    const rows = await page.$$eval('[data-testid=labs] tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-status')));
    expect(rows).toEqual(patient.labResults.edges[0].node.readings.map((r: { status: string }) => r.status));
    expect(await page.isVisible('[data-testid=protocols]')).toBe(true);
    // The token left the address bar as soon as the page read it.
    expect(page.url()).not.toContain('token=');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'dashboard.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  });

  it('draws a wearable reading that arrives over the live subscription', async () => {
    const live = page.locator('[data-testid=live-reading]');
    const points = async () => Number((await page.locator('[data-testid=wearables] svg').getAttribute('data-points', { timeout: 1_000 }).catch(() => null)) ?? 0);
    await page.waitForSelector('[data-testid=wearables] select option', { state: 'attached' });
    await page.selectOption('[data-testid=wearables] select', 'RESTING_HR');
    const pointsBefore = await points();
    // The subscription opens just after the page renders: send until one gets through.
    for (let value = 61; (await live.getAttribute('data-count')) === null && value < 81; value++) {
      await recordReading(value);
      await page.waitForTimeout(300);
    }
    await page.waitForSelector('[data-testid=live-reading][data-count]', { timeout: 5_000 });
    expect(await live.textContent()).toMatch(/^Live: resting hr \d+ bpm/);
    expect(await points()).toBeGreaterThan(pointsBefore);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'live-reading.png'), fullPage: true });
  });

  it("streams Luna's answer into the chat, piece by piece, and ends with the stored reply", async () => {
    await page.fill('[data-testid=chat] input', 'How are my labs looking?');
    await page.click('[data-testid=chat] button[type=submit]');
    const reply = page.locator('[data-testid=luna-reply]').last();
    await page.waitForSelector('[data-testid=luna-reply][data-state="done"]', { timeout: 30_000 });
    expect(Number(await reply.getAttribute('data-deltas'))).toBeGreaterThan(1);
    expect(((await reply.textContent()) ?? '').length).toBeGreaterThan(20);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'luna-chat.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  });
});
