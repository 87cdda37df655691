# evidence-agent: the daemon in a container. Multi-stage: the build stage compiles TypeScript and the
# better-sqlite3 native module; the runtime stage holds production dependencies only, runs as the
# unprivileged `node` user, and needs nothing writable but /data (works with a read-only root
# filesystem). The config is mounted at /config, never copied in (.dockerignore keeps an operator's
# config/evidence-agent.yaml out of the build context too). The CLI is on PATH as `evidence-agent`, and
# the image ships the SBOM of its production dependencies (CycloneDX, made by `npm sbom` in the build) at
# /app/sbom.cdx.json. Build: docker build -t evidence-agent .   Run: see docs/deploy.md.

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
RUN npm run build && npm prune --omit=dev --no-audit --no-fund
# The SBOM, from the lockfile: the production dependencies (what the runtime stage ships) have scope
# "required", or "optional" for pg's optional pg-cloudflare; the development ones (not in the image) are
# "optional" with the property cdx:npm:package:development. (`--omit=dev` is not used: npm 11 drops a
# production dependency that a development one also uses, such as yaml; .ci/production-install checks that
# the production components are exactly the installed production tree.)
RUN npm sbom --sbom-format cyclonedx --package-lock-only > sbom.cdx.json

FROM node:22-bookworm-slim
ENV NODE_ENV=production \
    EVIDENCE_AGENT_CONFIG=/config/evidence-agent.yaml \
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
WORKDIR /app
COPY --from=build /src/package.json /src/package-lock.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY --from=build /src/mappings ./mappings
COPY --from=build /src/sbom.cdx.json ./sbom.cdx.json
# The least-privilege policies and the example config, for reference: not a config the agent reads.
COPY config/aws-iam-policy.json config/aws-cloudtrail-policy.json config/example.yaml ./config/
# The CLI on PATH; /data is the only writable place: the evidence store, its lock and the digests.
RUN ln -s /app/dist/src/cli.js /usr/local/bin/evidence-agent \
 && mkdir -p /data /config && chown node:node /data
USER node
VOLUME /data
# /healthz, /readyz, /metrics (set http.host: 0.0.0.0 in the config to reach them from outside the container).
EXPOSE 9464
# The image has no curl: the CLI probes /healthz itself, loading only the config's http section (no SDK,
# SQLite or collector: test/cli-startup.test.ts), in about as long as `--version` takes (.ci/production-install).
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 CMD ["evidence-agent", "healthcheck"]
ENTRYPOINT ["evidence-agent"]
CMD ["daemon"]
