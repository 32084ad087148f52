// The web dashboard end to end, in headless Chromium (test/support/browser.ts picks which):
// built with Vite, served by the gateway at /app/, signed in as a seeded patient. It shows
// the patient's own data, receives the dashboard in two parts (@defer over multipart/mixed: the
// patient painted first, labs and wearables after), draws a reading that arrives over the live
// subscription (graphql-ws, and SSE on a second page), and streams a Luna answer. Screenshots of
// each state go to clients/web/test/screenshots/.
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
/** The dashboard query's HTTP answer, as the page received it. */
let dashboardResponse: { contentType: string; body: string };

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
  // Chromium keeps no copy of a streamed body: the page keeps one of each multipart answer it reads.
  await page.addInitScript(() => {
    const seen: { contentType: string; body: string }[] = ((window as unknown as { __multipart: unknown[] }).__multipart = []) as never;
    const original = window.fetch.bind(window);
    window.fetch = async (...args) => {
      const response = await original(...args);
      const contentType = response.headers.get('content-type') ?? '';
      if (contentType.startsWith('multipart/mixed')) void response.clone().text().then((body) => seen.push({ contentType, body }));
      return response;
    };
  });
  await page.goto(`${gatewayUrl()}/app/#token=${token}`);
  await page.waitForSelector('main[data-ready="true"]', { timeout: 20_000 });
  await page.waitForSelector('main[data-complete="true"]', { timeout: 20_000 });
  await page.waitForFunction(() => (window as unknown as { __multipart: unknown[] }).__multipart.length > 0);
  [dashboardResponse] = await page.evaluate(() => (window as unknown as { __multipart: { contentType: string; body: string }[] }).__multipart);
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

  it('receives the dashboard in two parts and paints the patient before labs and wearables arrive', async () => {
    expect(dashboardResponse.contentType).toMatch(/^multipart\/mixed;.*deferSpec=20220824/);
    const parts = dashboardResponse.body.split(/\r\n---/).filter((chunk) => chunk.includes('{')).map((chunk) => JSON.parse(chunk.slice(chunk.indexOf('{'))));
    expect(parts).toHaveLength(2);
    expect(parts[0].hasNext).toBe(true);
    expect(Object.keys(parts[0].data.me)).not.toContain('labResults');
    expect(parts[1]).toMatchObject({ hasNext: false, incremental: [{ path: ['me'], label: 'labsAndWearables' }] });
    expect(Object.keys(parts[1].incremental[0].data).sort()).toEqual(['healthScore', 'labResults', 'wearableReadings']);
    // What the page had painted when each part was applied: the profile with the first, labs and wearables with the second.
    const log = ((await page.getAttribute('main', 'data-parts-log')) ?? '').split(' ');
    expect(log).toHaveLength(2);
    const [first, second] = log.map((entry) => entry.split(':')[1].split(','));
    expect(first).toEqual(expect.arrayContaining(['profile', 'protocols']));
    expect(first).not.toContain('labs');
    expect(first).not.toContain('wearables');
    expect(second).toEqual(expect.arrayContaining(['profile', 'protocols', 'labs', 'wearables']));
    expect(await page.getAttribute('[data-testid=health-score]', 'data-state')).toBe('ready');
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

  it('receives a live reading over SSE when the page subscribes that way', async () => {
    const ssePage = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const streams: string[] = [];
    ssePage.on('request', (request) => request.url().includes('/graphql/stream') && streams.push(request.method()));
    ssePage.on('pageerror', (error) => pageErrors.push(error.message));
    try {
      const token = await tokenFor('customer', { patientIndex: PATIENT });
      await ssePage.goto(`${gatewayUrl()}/app/?transport=sse#token=${token}`);
      await ssePage.waitForSelector('main[data-complete="true"]', { timeout: 20_000 });
      const live = ssePage.locator('[data-testid=live-reading]');
      for (let value = 81; (await live.getAttribute('data-count')) === null && value < 101; value++) {
        await recordReading(value);
        await ssePage.waitForTimeout(300);
      }
      await ssePage.waitForSelector('[data-testid=live-reading][data-count]', { timeout: 5_000 });
      expect(await live.textContent()).toMatch(/^Live: resting hr \d+ bpm/);
      expect(streams.length).toBeGreaterThan(0);
      await ssePage.screenshot({ path: path.join(SCREENSHOTS, 'live-reading-sse.png'), fullPage: true });
    } finally {
      await ssePage.close();
    }
    expect(pageErrors).toEqual([]);
  });
});
