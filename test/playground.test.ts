// The GraphiQL playground handler on its own express app (port 0): the page, its same-origin
// files, and falling through to the next handler (Apollo, in the gateway) for anything else.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildSchema, parse, validate } from 'graphql';
import { ASSET_PARAM, EXAMPLE_OPERATIONS, playground } from '../gateway/playground';
import { loadConfig, SettingsError } from '../shared/config';

interface App {
  url: string;
  /** Requests that reached the handler after the playground (Apollo's place in the gateway). */
  fellThrough: string[];
  close: () => Promise<void>;
}

async function serve(enabled: boolean, devToken?: () => Promise<string>): Promise<App> {
  const app = express();
  const fellThrough: string[] = [];
  app.get('/graphql', playground({ enabled, devToken }));
  app.use('/graphql', (req, res) => {
    fellThrough.push(req.originalUrl);
    res.status(299).json({ next: true });
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    fellThrough,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

/** Every src/href of a <script> or <link> in the page. */
function referencedUrls(html: string): string[] {
  return [...html.matchAll(/<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]*)"/gi)].map((m) => m[1].replace(/&amp;/g, '&'));
}

describe('GraphiQL playground', () => {
  let enabled: App;
  beforeAll(async () => {
    enabled = await serve(true);
  });
  afterAll(async () => {
    await enabled.close();
  });

  it('serves an HTML page to a browser that loads only same-origin files', async () => {
    const response = await fetch(enabled.url, { headers: { accept: BROWSER_ACCEPT } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    const html = await response.text();
    expect(html).toMatch(/<div id="graphiql">/);
    expect(html).not.toMatch(/<(?:script|link)\b[^>]*\b(?:src|href)="(?:https?:)?\/\//i);
    const urls = referencedUrls(html);
    expect(urls.length).toBeGreaterThanOrEqual(5);
    for (const url of urls) {
      const resolved = new URL(url, enabled.url);
      expect(resolved.origin).toBe(new URL(enabled.url).origin);
    }
    expect(enabled.fellThrough).toEqual([]);
  });

  it('preloads the headers editor and the example operations', async () => {
    const html = await (await fetch(enabled.url, { headers: { accept: 'text/html' } })).text();
    const config = JSON.parse(/<script type="application\/json" id="playground-config">([^<]*)<\/script>/.exec(html)![1]);
    expect(JSON.parse(config.defaultHeaders)).toEqual({ authorization: 'Bearer <paste a token from npm run token>' });
    const queries: string[] = config.tabs.map((tab: { query: string }) => tab.query);
    expect(queries.some((q) => /\bme\s*\{/.test(q) && /\bpatients\s*\(/.test(q))).toBe(true);
    expect(queries.some((q) => /subscription\b[\s\S]*wearableReadingAdded/.test(q))).toBe(true);
    expect(queries.some((q) => /mutation\b[\s\S]*sendLunaMessage/.test(q))).toBe(true);
    expect(queries.some((q) => /subscription\b[\s\S]*lunaResponse/.test(q))).toBe(true);
  });

  it('preloads only operations that are valid against the graph clients see', () => {
    const schema = buildSchema(readFileSync(path.join(__dirname, '../schema/api-schema.graphql'), 'utf8'));
    for (const tab of EXAMPLE_OPERATIONS) expect(validate(schema, parse(tab.query)).map((e) => e.message)).toEqual([]);
  });

  it('opens with a fresh development token in the Headers pane when the dev issuer can mint one', async () => {
    let minted = 0;
    const withToken = await serve(true, async () => `dev-token-${++minted}`);
    try {
      for (const expected of ['Bearer dev-token-1', 'Bearer dev-token-2']) {
        const html = await (await fetch(withToken.url, { headers: { accept: 'text/html' } })).text();
        const config = JSON.parse(/<script type="application\/json" id="playground-config">([^<]*)<\/script>/.exec(html)![1]);
        expect(JSON.parse(config.defaultHeaders)).toEqual({ authorization: expected });
      }
    } finally {
      await withToken.close();
    }
  });

  it('serves every file the page references as JavaScript or CSS', async () => {
    const html = await (await fetch(enabled.url, { headers: { accept: BROWSER_ACCEPT } })).text();
    const urls = referencedUrls(html);
    const types = new Set<string>();
    for (const url of urls) {
      // A browser asks for scripts with Accept */* (not text/html).
      const response = await fetch(new URL(url, enabled.url), { headers: { accept: '*/*' } });
      expect({ url, status: response.status }).toEqual({ url, status: 200 });
      const type = response.headers.get('content-type') ?? '';
      expect(type).toMatch(/^(text\/javascript|application\/javascript|text\/css)\b/);
      types.add(type.split(';')[0]);
      const body = await response.text();
      expect(body.length).toBeGreaterThan(100);
    }
    expect(types).toEqual(new Set(['text/javascript', 'text/css']));
    expect(enabled.fellThrough).toEqual([]);
  });

  it('passes requests that are not from a browser on to the next handler', async () => {
    enabled.fellThrough.length = 0;
    const get = await fetch(`${enabled.url}?query=%7B__typename%7D`, { headers: { accept: 'application/json' } });
    expect(get.status).toBe(299);
    const none = await fetch(enabled.url, { headers: { accept: '' } });
    expect(none.status).toBe(299);
    const unknownAsset = await fetch(`${enabled.url}?${ASSET_PARAM}=..%2Fpackage.json`);
    expect(unknownAsset.status).toBe(299);
    const post = await fetch(enabled.url, {
      method: 'POST',
      headers: { accept: 'text/html', 'content-type': 'application/json' },
      body: '{"query":"{ __typename }"}',
    });
    expect(post.status).toBe(299);
    expect(enabled.fellThrough).toHaveLength(4);
  });

  it('when disabled, passes everything on, the page and its files included', async () => {
    const disabled = await serve(false);
    try {
      expect((await fetch(disabled.url, { headers: { accept: BROWSER_ACCEPT } })).status).toBe(299);
      expect((await fetch(`${disabled.url}?${ASSET_PARAM}=graphiql.js`)).status).toBe(299);
      expect(disabled.fellThrough).toHaveLength(2);
    } finally {
      await disabled.close();
    }
  });

  it('is on in development and test, off in production unless PLAYGROUND=true', () => {
    const playgroundEnabled = (env: NodeJS.ProcessEnv) => loadConfig(env).playground;
    expect(playgroundEnabled({})).toBe(true);
    expect(playgroundEnabled({ NODE_ENV: 'development' })).toBe(true);
    expect(playgroundEnabled({ NODE_ENV: 'test' })).toBe(true);
    expect(playgroundEnabled({ NODE_ENV: 'production' })).toBe(false);
    expect(playgroundEnabled({ NODE_ENV: 'production', PLAYGROUND: 'true' })).toBe(true);
    expect(playgroundEnabled({ NODE_ENV: 'production', PLAYGROUND: '1' })).toBe(true);
    // A value that is neither on nor off stops start instead of guessing.
    expect(() => playgroundEnabled({ NODE_ENV: 'production', PLAYGROUND: 'yes-please' })).toThrow(SettingsError);
    expect(playgroundEnabled({ NODE_ENV: 'development', PLAYGROUND: 'false' })).toBe(false);
  });
});

describe('the playground on the gateway', () => {
  it('answers a browser at GET /graphql, and a GET query still reaches Apollo', async () => {
    const { gatewayUrl } = await import('./support/graphql');
    const page = await fetch(`${gatewayUrl()}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/GraphiQL|playground/i);
    const query = await fetch(`${gatewayUrl()}/graphql?query=${encodeURIComponent('{ peptides(first: 1) { totalCount } }')}`, {
      headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
    });
    expect(((await query.json()) as any).data.peptides.totalCount).toBeGreaterThan(0);
  });
});
