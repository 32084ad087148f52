// The web dashboard: `npm run web:build` writes clients/web/dist, which the gateway serves at
// /app/ (same origin as /graphql: no CORS, and the CSP can stay 'self'). `npm run web:dev`
// serves it with hot reload and proxies /graphql (HTTP and websocket) to a running gateway.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/** The running gateway to proxy to: LOOP_GATEWAY, else the local one (PORT_BASE or PORT moves it, as for npm start). */
const gateway = process.env.LOOP_GATEWAY ?? `http://127.0.0.1:${process.env.PORT_BASE || process.env.PORT || 4000}`;

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/app/',
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  server: { proxy: { '/graphql': { target: gateway, ws: true, changeOrigin: true } } },
  logLevel: 'warn',
});
