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
  && npx vite build --config clients/web/vite.config.mts
USER node
# node is PID 1 and handles SIGTERM itself (shared/server/shutdown.ts: drain, then exit 0); tsx is
# only its loader. Neither npx (which does not wait for its child) nor the tsx CLI (which
# force-kills a process busy for 60 ms after relaying the signal) stands in between.
ENTRYPOINT ["node", "--import", "tsx", "bin/start.ts"]
