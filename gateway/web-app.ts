// The web dashboard (clients/web, built by `npm run web:build`) served at /app/ from the
// gateway's own origin, so the page talks to /graphql without CORS and under a strict CSP.
import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';
import { projectRoot } from '../shared/config';

export const WEB_DIST = path.join(projectRoot, 'clients/web/dist');

const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

export function webApp(dist = WEB_DIST): Router {
  const router = express.Router();
  router.use((_req, res, next) => {
    res.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    next();
  });
  // Hashed asset names never change content: cache them; the page itself is always revalidated.
  router.use('/assets', express.static(path.join(dist, 'assets'), { immutable: true, maxAge: '1y', fallthrough: false }));
  router.get(/.*/, (_req, res) => {
    const page = path.join(dist, 'index.html');
    if (!existsSync(page)) {
      res.status(404).type('text').send('The web dashboard is not built: run `npm run web:build` (npm start does it).');
      return;
    }
    res.setHeader('cache-control', 'no-cache');
    res.sendFile(page);
  });
  return router;
}
