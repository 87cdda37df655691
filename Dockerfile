# syntax=docker/dockerfile:1
# Multi-stage build: compile (with the native better-sqlite3 build) in one stage, run as non-root in
# a slim one. The daemon, health checks and metrics arrive with the production issue; this image runs
# the CLI (`collect`, `verify`, ...) against a volume at /data.

FROM node:22-bookworm-slim AS build
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY collectors ./collectors
RUN npm run build && npm prune --omit=dev

FROM node:22-bookworm-slim
ENV NODE_ENV=production \
    EVIDENCE_AGENT_CONFIG=/config/evidence-agent.yaml \
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY mappings ./mappings
COPY config/example.yaml config/aws-iam-policy.json ./config/
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
ENTRYPOINT ["node", "/app/dist/src/cli.js", "--db", "/data/evidence.db"]
CMD ["collect"]
