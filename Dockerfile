# One image for every service; docker-compose picks the service with --service.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production CHECKPOINT_DISABLE=1
COPY package.json package-lock.json ./
COPY scripts ./scripts
COPY prisma ./prisma
RUN npm ci --include=dev
COPY . .
RUN node scripts/prisma-generate.mjs && npx tsx scripts/compose.ts --check && npx tsx scripts/codegen.ts --check \
  && npx vite build --config clients/web/vite.config.mts && node scripts/build-server.mjs
USER node
# The compiled server `npm start` runs (scripts/build-server.mjs): no TypeScript loader at run
# time. node is PID 1 and handles SIGTERM itself (shared/server/shutdown.ts: drain, then exit 0);
# neither npm nor npx (which does not wait for its child) stands in between. The Node flags are
# `npm start`'s (package.json; README, Performance, says why).
ENTRYPOINT ["node", "--max-semi-space-size=32", ".build/server/start.cjs"]
