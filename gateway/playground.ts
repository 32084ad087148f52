// The GraphiQL playground at GET /graphql for browsers (Accept: text/html). Everything it
// loads is served by this handler from node_modules (React 18 UMD, GraphiQL 3's prebuilt
// bundle, graphql-ws's UMD build) plus gateway/playground/playground.js: no CDN, no build
// step. Assets live at the same URL as the page, as `?playground-asset=<name>`, so the
// handler works wherever it is mounted (`app.get('/graphql', …)` or `app.use('/graphql', …)`)
// and behind a path-prefixing proxy. Anything else (a GET query from a client, a disabled
// playground) goes on to Apollo with next().
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** The query parameter that names one of the playground's files. */
export const ASSET_PARAM = 'playground-asset';

/** A file inside an installed package, whether or not the package's `exports` lists it. */
function packageFile(pkg: string, file: string): string {
  return path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file);
}

function packageVersion(pkg: string): string {
  return (JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')) as { version: string }).version;
}

interface Asset {
  file: string;
  /** Changes whenever the file's content may have changed: the asset's URL carries it (long-lived caching). */
  version: string;
}

const OWN_DIR = path.join(__dirname, 'playground');

const ASSETS: Record<string, () => Asset> = {
  'react.js': () => ({ file: packageFile('react', 'umd/react.production.min.js'), version: packageVersion('react') }),
  'react-dom.js': () => ({ file: packageFile('react-dom', 'umd/react-dom.production.min.js'), version: packageVersion('react-dom') }),
  'graphiql.js': () => ({ file: packageFile('graphiql', 'graphiql.min.js'), version: packageVersion('graphiql') }),
  'graphiql.css': () => ({ file: packageFile('graphiql', 'graphiql.min.css'), version: packageVersion('graphiql') }),
  'graphql-ws.js': () => ({ file: packageFile('graphql-ws', 'umd/graphql-ws.min.js'), version: packageVersion('graphql-ws') }),
  'playground.js': () => ({ file: path.join(OWN_DIR, 'playground.js'), version: contentVersion(path.join(OWN_DIR, 'playground.js')) }),
  'playground.css': () => ({ file: path.join(OWN_DIR, 'playground.css'), version: contentVersion(path.join(OWN_DIR, 'playground.css')) }),
};

function contentVersion(file: string): string {
  // A cheap content fingerprint (FNV-1a): our own files change without a package version.
  let hash = 0x811c9dc5;
  for (const byte of readFileSync(file)) hash = Math.imul(hash ^ byte, 0x01000193);
  return (hash >>> 0).toString(36);
}

/** The operations a new playground opens with (one tab each). */
export const EXAMPLE_OPERATIONS: { query: string; variables?: string }[] = [
  {
    query: `# Welcome to the Loop Health supergraph.
#
# In development the Headers pane below opens signed in as a
# seeded patient (a customer: \`me\` is their record, and
# \`patients\` is refused). For other roles mint a token:
#   npm run -s token -- --role admin
# and paste it into the Headers pane. Subscriptions (other
# tabs) run over graphql-ws with the same authorization header.
#
# The same record as FHIR R4 (read-only, same token): /fhir/R4/metadata,
# /fhir/R4/Patient/<id>/$everything, /fhir/R4/Observation?patient=<id>
# (README.md, "FHIR R4 API", has curl examples and the SMART scopes).

query Patients($first: Int = 5) {
  me {
    id
    firstName
    lastName
  }
  patients(first: $first) {
    totalCount
    edges {
      node {
        id
        firstName
        lastName
        age
      }
    }
  }
}
`,
    variables: JSON.stringify({ first: 5 }, null, 2),
  },
  {
    query: `# Each wearable reading as it is stored for one patient
# (take an id from the Patients tab), e.g. while a device syncs
# or recordWearableReadings runs in another tab.

subscription WearableReadings($patientId: ID!) {
  wearableReadingAdded(patientId: $patientId) {
    id
    provider
    metric
    value
    unit
    recordedAt
  }
}
`,
    variables: JSON.stringify({ patientId: '<patient id>' }, null, 2),
  },
  {
    query: `# Wearables (signed in as a patient). Seeded patients have simulated
# Oura / Whoop / Dexcom / Garmin accounts that sync daily at 03:00 UTC.
# Run SyncNow to sync on demand (it returns at once with QUEUED), then
# Connections to watch syncStatus reach SUCCEEDED; new readings also
# arrive on the WearableReadings subscription tab.

mutation SyncNow {
  syncWearables {
    provider
    syncStatus
    syncJobId
  }
}

query Connections {
  me {
    wearableConnections {
      provider
      status
      syncStatus
      lastSyncedAt
      syncReadingsAdded
      lastError
    }
    wearableDailyStats(metric: HRV_RMSSD) { day avg unit }
    healthScore { score components { name score weight } }
  }
}
`,
  },
  {
    query: `# Chat with Luna, the AI health assistant (signed in as a patient).
# 1. Run AskLuna: it stores the message and returns at once.
# 2. Put the conversation id into the LunaAnswer tab and run it:
#    the answer streams in (tool calls, text, then the stored reply).
#    A subscriber that joins right after sending still gets the
#    whole turn from its first event.

mutation AskLuna($message: String!) {
  sendLunaMessage(message: $message) {
    conversation { id title }
    reply { id status }
  }
}
`,
    variables: JSON.stringify({ message: 'How are my labs and my sleep looking?' }, null, 2),
  },
  {
    query: `subscription LunaAnswer($conversationId: ID!) {
  lunaResponse(conversationId: $conversationId) {
    __typename
    sequence
    ... on LunaToolCallStarted { name argumentsSummary }
    ... on LunaTextDelta { text }
    ... on LunaGuardrailNotice { check action }
    ... on LunaEmergencyNotice { category emergencyNumber crisisLine }
    ... on LunaTurnDone { message { content toolCalls { name durationMs } guardrails { check action } } }
    ... on LunaTurnError { code reason }
  }
}
`,
    variables: JSON.stringify({ conversationId: '<conversation id from AskLuna>' }, null, 2),
  },
];

export const DEFAULT_HEADERS = JSON.stringify({ authorization: 'Bearer <paste a token from npm run token>' }, null, 2);

/** Nothing the page loads or connects to is cross-origin (inline styles only: React and CodeMirror set them). */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "frame-ancestors 'self'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** JSON that is safe inside a <script type="application/json"> element. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');

/** The Headers pane's content: a fresh development token when one can be minted, else the placeholder. */
export async function headersFor(devToken?: () => Promise<string>): Promise<string> {
  return devToken ? JSON.stringify({ authorization: `Bearer ${await devToken()}` }, null, 2) : DEFAULT_HEADERS;
}

function renderPage(assetUrl: (name: string) => string, defaultHeaders: string): string {
  const config = { defaultHeaders, tabs: EXAMPLE_OPERATIONS, storageNamespace: 'loop-health-playground' };
  const style = (name: string) => `<link rel="stylesheet" href="${escapeHtml(assetUrl(name))}">`;
  const script = (name: string) => `<script src="${escapeHtml(assetUrl(name))}"></script>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Loop Health supergraph · GraphiQL</title>
${style('graphiql.css')}
${style('playground.css')}
</head>
<body>
<div id="graphiql"><p class="playground-loading">Loading the playground…</p></div>
<script type="application/json" id="playground-config">${scriptJson(config)}</script>
${script('react.js')}
${script('react-dom.js')}
${script('graphql-ws.js')}
${script('graphiql.js')}
${script('playground.js')}
</body>
</html>
`;
}

function wantsHtml(req: Request): boolean {
  const accept = req.headers.accept;
  return typeof accept === 'string' && /(^|[\s,])text\/html($|[\s,;])/i.test(accept);
}

/**
 * GET handler for the GraphQL endpoint's path: the playground page for browsers, its files
 * for `?playground-asset=<name>`, next() for everything else (and for everything when disabled).
 */
export interface PlaygroundOptions {
  enabled: boolean;
  /**
   * Development only (the local dev issuer): mints the token the Headers pane opens with, so a
   * new user can run the examples at once. Unset (Clerk, production): a placeholder to replace.
   */
  devToken?: () => Promise<string>;
}

export function playground(options: PlaygroundOptions): RequestHandler {
  if (!options.enabled) return (_req, _res, next) => next();
  const assets = new Map<string, Asset>();
  const asset = (name: string): Asset => {
    let found = assets.get(name);
    if (!found) assets.set(name, (found = ASSETS[name]!()));
    return found;
  };
  // Resolve every file now: a missing package fails at start-up, not in a browser.
  for (const name of Object.keys(ASSETS)) asset(name);

  return async (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const requested = req.query[ASSET_PARAM];
    if (typeof requested === 'string') {
      if (!Object.hasOwn(ASSETS, requested)) return next();
      const { file } = asset(requested);
      res.setHeader('cache-control', 'public, max-age=31536000, immutable');
      res.setHeader('x-content-type-options', 'nosniff');
      res.sendFile(file, { dotfiles: 'deny' }, (error) => {
        if (error && !res.headersSent) next(error);
      });
      return;
    }
    if (!wantsHtml(req)) return next();
    // Relative to the page itself (`?…`): the same path, wherever the handler is mounted.
    const assetUrl = (name: string) => `?${ASSET_PARAM}=${encodeURIComponent(name)}&v=${encodeURIComponent(asset(name).version)}`;
    res.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
    res.setHeader('cache-control', 'no-cache');
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    res.type('html').send(renderPage(assetUrl, await headersFor(options.devToken)));
  };
}
