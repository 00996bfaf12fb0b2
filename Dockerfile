# One image for the API, the worker and the partner simulators; the command picks the process.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production APP_MODE=production
COPY package.json package-lock.json ./
# patch-package applies these in the postinstall (postgres.js: a write after the server closed
# the connection no longer crashes the process). `npm install` against the committed lock rather
# than `npm ci`: vite (a dev dependency) names an optional package the registry does not serve, and
# npm ci refuses a lock without it even when dev dependencies are omitted.
COPY patches ./patches
RUN npm install --omit=dev --no-audit --no-fund
COPY . .
# The worker loads this bundle (WORKFLOW_BUNDLE_PATH) instead of running webpack at start.
RUN node --import tsx scripts/build-workflow-bundle.ts build/workflow-bundle.js
USER node
EXPOSE 3000
CMD ["node", "--import", "tsx", "api/main.ts"]
