// The config file's shape. The collectors section is built from the registry: each collector
// validates its own section with its own options schema.
import { z } from 'zod';
import type { Collector } from '../collector.js';

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * The keys the agent reads in an external collector's section; the rest goes to the module's own
 * options schema, checked after the file's shape (src/config/load.ts).
 */
export const externalSectionSchema = z.looseObject({
  /** The ES module: a path relative to this config file (./collectors/hr-feed.js), or an npm package name. */
  module: z.string().min(1, 'expected a module path (./collectors/x.js) or an npm package name'),
  schedule: z.string().optional(),
  enabled: z.boolean().optional(),
  timeoutSeconds: z.number().int().min(10).max(86_400).default(900),
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function buildConfigSchema(collectors: readonly Collector<any>[], externalIds: readonly string[] = []) {
  // An empty section (`aws-iam:` with nothing under it) means the collector with all its defaults.
  const builtinSections = Object.fromEntries(
    collectors.filter((c) => !c.recordedOnDemand).map((c) => [c.id, z.preprocess((v) => (v === null ? {} : v), c.optionsSchema).optional()]),
  );
  // Typed like the built-in sections: each is an options object the collector alone knows the shape of.
  const externalSections = Object.fromEntries(externalIds.map((id) => [id, externalSectionSchema.optional()])) as unknown as typeof builtinSections;
  const collectorSections = { ...builtinSections, ...externalSections };
  return z.strictObject({
    /** Days of coverage are counted in this zone. */
    timezone: z.string().refine(isTimeZone, 'expected an IANA time zone such as UTC or Europe/Berlin').default('UTC'),
    store: z
      .strictObject({
        path: z.string().min(1, 'expected a file path').default('./data/evidence.db'),
        /**
         * A PostgreSQL database instead of the SQLite file (several agents, an auditor's read-only role):
         * postgres://host:5432/database, without credentials (the role and password come from PGUSER and
         * PGPASSWORD, or a ~/.pgpass file). When set, store.path is not used.
         */
        url: z
          .string()
          .regex(/^postgres(ql)?:\/\/[^/]*\/[^/?#]+/i, 'expected postgres://host[:port]/database (the role and password from PGUSER and PGPASSWORD)')
          .optional(),
        /** A write another writer holds the store against is retried this long, then the run is recorded as failed once the store is free. */
        busyWaitSeconds: z.number().int().min(1).max(3600).default(60),
      })
      .default({ path: './data/evidence.db', busyWaitSeconds: 60 }),
    log: z
      .strictObject({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      })
      .default({ level: 'info' }),
    collectors: z.strictObject(collectorSections).default({}),
    /** The daemon's HTTP endpoints (/healthz, /readyz, /metrics): loopback unless you open it. */
    http: z
      .strictObject({
        host: z.string().min(1).default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(9464),
        /**
         * Host names requests may be addressed to besides IP addresses, localhost and `host` (e.g. the
         * Service name Prometheus scrapes): any other Host header is refused (DNS rebinding).
         */
        allowedHosts: z
          .array(z.string().regex(/^[A-Za-z0-9._-]+$/, 'expected a host name without port or scheme, e.g. evidence-agent.monitoring.svc'))
          .optional(),
      })
      .default({ host: '127.0.0.1', port: 9464 }),
    daemon: z
      .strictObject({
        /** On SIGTERM, running collections get this long to finish before they are aborted (recorded as aborted). */
        graceSeconds: z.number().int().min(0).max(3600).default(60),
        /** Each scheduled start waits a random delay up to this, so many agents do not hit an API at once. */
        jitterSeconds: z.number().int().min(0).max(3600).default(30),
        /** On start, run at once every collector whose last success is older than its cadence. */
        catchUp: z.boolean().default(true),
        /**
         * Agents sharing a PostgreSQL store (store.url): how long a slot's lease lives without renewal. A
         * killed agent's slot runs again on another agent within this (plus a quarter of it).
         */
        leaseSeconds: z.number().int().min(5).max(3600).default(60),
      })
      .default({ graceSeconds: 60, jitterSeconds: 30, catchUp: true, leaseSeconds: 60 }),
    /** The weekly evidence digest: SLAs by severity and where it goes. */
    digest: z
      .strictObject({
        /** When the daemon sends it (cron, in the time zone above); default Monday 08:00. */
        schedule: z.string().default('0 8 * * 1'),
        /** Days a failing finding of each severity may stay open before it is overdue. */
        slaDays: z
          .strictObject({
            critical: z.number().int().min(1).max(3650).default(7),
            high: z.number().int().min(1).max(3650).default(30),
            medium: z.number().int().min(1).max(3650).default(90),
            low: z.number().int().min(1).max(3650).default(180),
          })
          .default({ critical: 7, high: 30, medium: 90, low: 180 }),
        deliver: z
          .strictObject({
            /** Markdown, HTML and JSON files of each digest land here. */
            directory: z.string().min(1).optional(),
            slack: z.strictObject({ webhookUrl: z.url({ error: 'expected the incoming webhook URL (put it in an environment variable)' }) }).optional(),
            email: z
              .strictObject({
                host: z.string().min(1),
                port: z.number().int().min(1).max(65535).default(587),
                /** true for SMTPS (port 465); false upgrades with STARTTLS when offered. */
                secure: z.boolean().default(false),
                user: z.string().min(1).optional(),
                password: z.string().min(1).optional(),
                from: z.string().min(3),
                to: z.array(z.string().min(3)).min(1, 'expected at least one recipient'),
              })
              .optional(),
          })
          .default({}),
      })
      .optional(),
    /**
     * Event failures (a root sign-in, a StopLogging, a self-approved merge) stay open until someone records a
     * review (`evidence-agent review`): which checks are event checks, and how long a review may wait.
     */
    reviews: z
      .strictObject({
        /** Default: every check that judges events. */
        eventChecks: z.array(z.string().regex(/^[a-z0-9]+(_[a-z0-9]+)+$/, 'expected a check id such as aws_cloudtrail_root_not_used')).optional(),
        /** Days an event failure may stay unreviewed before the digest calls it overdue. */
        slaDays: z.number().int().min(1).max(365).default(7),
      })
      .optional(),
    /** Who the evidence is about: named in the export's OSCAL metadata (the party it is prepared for). */
    organization: z.strictObject({ name: z.string().trim().min(1, 'expected the name of your organization') }).optional(),
    signing: z
      .strictObject({
        /** The Ed25519 key that signs export bundles (`evidence-agent keygen` makes one). */
        privateKeyPath: z.string().min(1, 'expected the path of a PEM private key').optional(),
        /** Keys whose bundles `verify <bundle>` accepts, by fingerprint (as keygen and export print them). */
        trustedFingerprints: z
          .array(z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'expected a key fingerprint as keygen and export print it (SHA256: and 43 base64 characters)'))
          .optional(),
      })
      .optional(),
    /** The exceptions (accepted risks) file, relative to this config file. */
    exceptions: z.string().min(1, 'expected the path of the exceptions file').optional(),
    /** Your own control sets (YAML, relative to this config file): frameworks of your control ids. */
    controlSets: z.array(z.string().min(1, 'expected the path of a control-set file')).default([]),
  });
}

export type AgentConfig = z.infer<ReturnType<typeof buildConfigSchema>>;

/** Field names accepted at a path of the schema, for "did you mean" hints. */
export function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let node: unknown = schema;
  const unwrap = (n: unknown): unknown => {
    let current = n as { _zod?: { def: Record<string, unknown> } };
    for (;;) {
      const def = current?._zod?.def;
      if (!def) return current;
      if (['optional', 'default', 'nullable', 'prefault', 'readonly', 'nonoptional'].includes(def.type as string)) {
        current = def.innerType as typeof current;
      } else if (def.type === 'pipe') {
        // z.preprocess is a pipe from a transform into the real schema: follow the schema side.
        const input = def.in as typeof current;
        current = (input?._zod?.def.type === 'transform' ? def.out : def.in) as typeof current;
      } else return current;
    }
  };
  for (const part of path) {
    const def = (unwrap(node) as { _zod?: { def: Record<string, unknown> } })?._zod?.def;
    if (!def) return [];
    if (def.type === 'object') node = (def.shape as Record<string, unknown>)[String(part)];
    else if (def.type === 'array') node = def.element;
    else if (def.type === 'record') node = def.valueType;
    else return [];
  }
  const def = (unwrap(node) as { _zod?: { def: Record<string, unknown> } })?._zod?.def;
  return def?.type === 'object' ? Object.keys(def.shape as object) : [];
}
