# evidence-agent: the daemon in a container. Multi-stage: the build stage compiles TypeScript and the
# better-sqlite3 native module; the runtime stage holds production dependencies only, runs as the
# unprivileged `node` user, and needs nothing writable but /data (works with a read-only root
# filesystem). Build: docker build -t evidence-agent .   Run: see docs/deploy.md.

FROM node:22-bookworm-slim AS build
WORKDIR /src
# better-sqlite3 builds from source when no prebuilt binary can be fetched.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY collectors ./collectors
COPY sandbox ./sandbox
COPY mappings ./mappings
COPY config ./config
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:22-bookworm-slim
ENV NODE_ENV=production \
    EVIDENCE_AGENT_CONFIG=/config/evidence-agent.yaml \
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
WORKDIR /app
COPY --from=build /src/package.json /src/package-lock.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY --from=build /src/mappings ./mappings
COPY --from=build /src/config ./config
# The only writable place: the evidence store, its lock and the digests.
RUN mkdir -p /data /config && chown node:node /data
USER node
VOLUME /data
# /healthz, /readyz, /metrics (set http.host: 0.0.0.0 in the config to reach them from outside the container).
EXPOSE 9464
# The image has no curl: the CLI probes /healthz itself.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 CMD ["node", "/app/dist/src/cli.js", "healthcheck"]
ENTRYPOINT ["node", "/app/dist/src/cli.js"]
CMD ["daemon"]
