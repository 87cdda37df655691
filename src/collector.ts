// The collector contract: every built-in or external collector is a plain object of this shape.
// Collectors do all the I/O for one source and return evidence; checks are pure functions over it.
import type { SecretRegistry } from './redaction.js';
import type { z } from 'zod';
import type { Logger } from './logging.js';

export type Severity = 'critical' | 'high' | 'medium' | 'low';
export type FindingStatus = 'pass' | 'fail' | 'not_applicable' | 'error';
export type RunStatus = 'ok' | 'partial' | 'failed' | 'aborted';

/** One evidence document: one resource (a user, a role, a policy) or one log event. */
export interface EvidenceItem {
  /** Dotted evidence type, e.g. `aws.iam.user`. */
  type: string;
  /** Stable id of the resource within the scope (an ARN where one exists). */
  resourceId: string;
  /** Bumped when the shape of `data` changes, so old snapshots stay readable. */
  schemaVersion: number;
  /** JSON-serialisable content; canonicalised (RFC 8785) before hashing. Never secrets. */
  data: unknown;
}

/** A resource whose evidence could not be read. Checks on its type give it an `error` finding. */
export interface ResourceError {
  type: string;
  resourceId: string;
  error: string;
}

/**
 * One log event (a CloudTrail record, a merged pull request): kept once per stream by its id in an
 * append-only population, however many runs read it again.
 */
export interface EventItem {
  /** Dotted event type, e.g. `aws.cloudtrail.event`. */
  type: string;
  /** Unique within the stream (CloudTrail EventId). */
  eventId: string;
  /** When it happened (ISO 8601, UTC). */
  occurredAt: string;
  /** The part of the source it was read from (a region): windows and watermarks are per partition. */
  partition: string;
  schemaVersion: number;
  data: unknown;
  /** Problems with the record itself, e.g. `malformed-record`: stored as read, and flagged. */
  flags?: string[];
}

/**
 * The time span a run read events for, per partition: [from, to). An incomplete window (the read
 * failed or was cut short) is a recorded hole; the next run reads again from the last complete end.
 */
export interface EventWindow {
  partition: string;
  from: string;
  to: string;
  complete: boolean;
  error?: string;
}

export interface CollectResult {
  evidence: EvidenceItem[];
  errors: ResourceError[];
  /** Log events read by this run (event collectors). */
  events?: EventItem[];
  /** What span of time each partition's events cover; required whenever `events` is given. */
  windows?: EventWindow[];
  /**
   * The scope actually collected, when it is only known at run time
   * (e.g. the AWS account behind the default credential chain).
   */
  resolvedScope?: string;
  /** Facts about the collection itself (report generation time, pages read): stored with the run. */
  meta?: Record<string, unknown>;
  /**
   * Files the evidence cites by SHA-256 (an attested review's PDF): stored content-addressed with the
   * run, in its transaction, and re-hashed by verify. List their hashes in `meta.files`.
   */
  files?: Buffer[];
  /**
   * The snapshot stays valid until this instant (ISO 8601) instead of for the collector's cadence:
   * coverage counts it until then and shows a gap after (an attestation's validity window).
   */
  validUntil?: string;
  /**
   * Scopes known only at run time, found by this run (the accounts of an AWS organisation): the runner runs
   * each next as a stream of its own, `concurrency` at once, and a scope that fails is a failed run (a gap).
   * This run's evidence is the list itself, which the collector's checks do not judge.
   */
  discovered?: {
    scopes: CollectorScope[];
    concurrency: number;
    /**
     * The options those runs (and their checks) get, when discovery learned what they need (an
     * organisation's accounts are the company's own): the configured options otherwise.
     */
    options?: unknown;
  };
}

/** Read-only view of one snapshot's evidence, handed to checks. */
export interface EvidenceView {
  all(type: string): EvidenceItem[];
  get(type: string, resourceId: string): EvidenceItem | undefined;
  /**
   * Resources of this type that could not be read. The runner already turns them into `error`
   * findings; a check that concludes something about the whole scope (e.g. "nobody holds admin")
   * must not conclude it over unread evidence.
   */
  errors(type: string): ResourceError[];
  /** The events this run read, of one type (checks over a population judge each event). */
  events(type: string): EventItem[];
}

export interface FindingDraft {
  resourceType: string;
  resourceId: string;
  status: FindingStatus;
  /** One sentence naming the resource. Keep pass messages stable across unchanged runs (storage dedup). */
  message: string;
}

export interface CheckDefinition<Options = unknown> {
  /** `<provider>_<service>_<resource>_<state>`; permanent once shipped. */
  id: string;
  title: string;
  severity: Severity;
  description: string;
  remediation: string;
  /** Evidence types this check judges; a read error on such a resource becomes an `error` finding. */
  resourceTypes: string[];
  /**
   * The check judges the events a run read (a population), not a snapshot of state: its findings of a day
   * are those of every run that day, and a hole in the event windows is a gap in what it evidences.
   */
  judgesEvents?: boolean;
  /**
   * The control this check evidences is the scope of its stream (an attestation recorded for CC6.2),
   * not a mapping: no mapping file needs to cite it, and coverage applies it to that control only.
   */
  controlFromScope?: boolean;
  evaluate(evidence: EvidenceView, options: Options, now: Date): FindingDraft[];
}

/** One independently collected unit of a collector: an AWS account, a GitHub org. */
export interface CollectorScope {
  /** Stream key: stable across runs (account id, org login). */
  key: string;
  /** Scope-specific settings (role to assume, region). */
  settings: Record<string, unknown>;
}

/** Overrides for the transports clients use: the demo and tests point them at local servers. */
export interface ClientEnvironment {
  aws?: {
    /** Send every AWS call here instead of the AWS endpoints (the sandbox estate). */
    endpoint?: string;
    /** Static credentials, bypassing the default credential chain. */
    credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
    maxAttempts?: number;
    /** Milliseconds between two attempts, instead of the SDK's backoff and adaptive pacing (tests: a few ms). */
    retryDelayMs?: number;
    /** Most milliseconds one HTTP request may take before it is abandoned and retried (default 60,000). */
    requestTimeoutMs?: number;
    /** The endpoint is a local server without AWS's rate limits (the demo): skip client-side pacing. */
    unlimitedRate?: boolean;
  };
  github?: {
    /** Send every GitHub call here instead of the configured baseUrl (the sandbox org). */
    baseUrl?: string;
    /** Milliseconds waited per second of a retry-after (default 1000; tests use 1). */
    retryAfterBaseMs?: number;
    /** A local server without GitHub's secondary limits: GraphQL queries need not be 1 s apart. */
    unlimitedRate?: boolean;
    /** Most milliseconds one HTTP request may take before it is abandoned and retried (default 60,000). */
    requestTimeoutMs?: number;
  };
}

/** A response kept with its validator, so the next run can ask "changed since?" (an ETag). */
export interface CachedResponse {
  etag: string;
  /** The response body as received (JSON text). */
  body: string;
}

/**
 * Validators and bodies of earlier responses of this stream, kept across runs: conditional requests
 * answered 304 cost nothing against a rate limit (GitHub). A cache, not evidence: never chained.
 */
export interface HttpCache {
  get(key: string): Promise<CachedResponse | undefined>;
  set(key: string, value: CachedResponse): Promise<void>;
}

export interface CollectContext<Options> {
  options: Options;
  scope: CollectorScope;
  logger: Logger;
  /** Injected clock: the demo replays simulated days through it. */
  now(): Date;
  signal: AbortSignal;
  clientEnvironment: ClientEnvironment;
  /** Call once per HTTP request sent (retries included); stored with the run. */
  countApiCall(): void;
  /**
   * Per partition, the end of the last complete event window of this stream (ISO 8601): where the next
   * read starts. A partition never read completely is absent (the collector backfills).
   */
  watermarks: Record<string, string>;
  /** This stream's conditional-request cache. */
  httpCache: HttpCache;
  /** Read-only access to what other collectors stored (join HR leavers with IAM users). */
  storedEvidence: StoredEvidenceReader;
  /**
   * The agent's secrets: register every credential obtained at run time (a token sent, an assumed
   * role's keys) so that no reply or error echoing it is stored or logged; `redact` for what a
   * collector keeps outside the run's result (its HTTP cache).
   */
  secrets: Pick<SecretRegistry, 'register' | 'redact'>;
}

/** The latest stored evidence of other streams, read-only: for collectors that join sources. */
export interface StoredEvidenceReader {
  /**
   * Documents of one type from the latest successful snapshot of every stream of a collector
   * (every AWS account, every org), with the scope and the time of the snapshot.
   */
  latest(collectorId: string, type: string): Promise<StoredDocument[]>;
}

export interface StoredDocument extends EvidenceItem {
  /** The stream's scope (account id, org login). */
  scope: string;
  /** When the snapshot holding it was collected (ISO 8601). */
  collectedAt: string;
}

/** One column of a population: auditors sample from these rows, so each column says what it holds. */
export interface PopulationColumn {
  name: string;
  description: string;
}

/** How often a control operates: sets the default sample size of its population. */
export type ControlFrequency = 'annual' | 'quarterly' | 'monthly' | 'weekly' | 'daily' | 'recurring';

/** One attribute of a sampled item that the auditor tests (approved by someone other than the author?). */
export interface PopulationAttribute {
  question: string;
  /** What the evidence shows for the row, in a word or a short phrase (yes, no, 2 approvals). */
  shown: (row: Record<string, string>) => string;
}

/**
 * A population an auditor samples from (all access changes, all merged changes), derived from the
 * stored events of one type: one row per event that belongs to it, values as text.
 */
export interface PopulationDefinition {
  /** kebab-case, unique across collectors (`aws-access-changes`). */
  id: string;
  title: string;
  description: string;
  /** The event types whose stored events the rows come from. */
  eventTypes: string[];
  columns: readonly PopulationColumn[];
  /** Its file in an export bundle, under populations/ (default: `<id>.csv`). */
  fileName?: string;
  /**
   * How the population is produced, for the bundle's populations/README: source APIs, filters,
   * pagination, what is left out. The completeness-and-accuracy facts an auditor tests.
   */
  method: string;
  /**
   * What the weekly digest shows of it: `title`, and which rows are notable (all when omitted), each
   * summarised in one line.
   */
  digest?: { title: string; notable?: (row: Record<string, string>) => boolean; line: (row: Record<string, string>) => string };
  /**
   * How often the control tested on this population operates, for the default sample size
   * (`evidence-agent sample`); a change or an access grant happens many times a day: `recurring`.
   */
  frequency?: ControlFrequency;
  /** What an auditor tests on each sampled row, pre-filled in the test sheet with what the row shows. */
  attributes?: readonly PopulationAttribute[];
  /** The row of an event, keyed by column name (missing keys are empty), or undefined when it is not a member. */
  rowOf(event: EventItem): Record<string, string> | undefined;
}

/**
 * One check of a preflight (`evidence-agent doctor`): that the credentials work, or that one permission of
 * the collector's shipped policy is granted, proved by the cheapest read that needs it.
 */
export interface PermissionCheck {
  /** `credentials`, or the permission as the collector's policy names it (`iam:GetAccountSummary`, `members=read`). */
  name: string;
  /** `skip`: not checked (not needed with these options, or no read can prove it); never counted as ok. */
  status: 'ok' | 'fail' | 'skip';
  /** One line: what the read showed, or why it failed and what to grant. */
  detail: string;
}

/**
 * What a preflight gets: a collection's context without the store (no watermarks, no HTTP cache, no
 * stored evidence). A preflight reads the source and writes nothing, anywhere.
 */
export type PreflightContext<Options> = Omit<CollectContext<Options>, 'watermarks' | 'httpCache' | 'storedEvidence'>;

export interface Collector<Options = unknown> {
  /** kebab-case; equals its folder name under collectors/ and its key in the config. */
  id: string;
  title: string;
  /** Validates and defaults the collector's section of the config. */
  optionsSchema: z.ZodType<Options>;
  /** Least-privilege permissions it needs, as documented in its README. */
  permissions: string[];
  checks: CheckDefinition<Options>[];
  /** Populations derived from the events it stores, for sampling (event collectors). */
  populations?: PopulationDefinition[];
  /** Default cadence (cron) when the config names none. */
  defaultSchedule: string;
  scopes(options: Options): CollectorScope[];
  collect(ctx: CollectContext<Options>): Promise<CollectResult>;
  /**
   * Checks one scope's credentials and each of `permissions` with the cheapest read that needs it, and
   * returns one check per permission (and `credentials` first). A credentials failure is one check: the
   * permissions are not tried. Optional: `doctor` reports a collector without it as not checked.
   */
  preflight?(ctx: PreflightContext<Options>): Promise<PermissionCheck[]>;
  /**
   * Evidence arrives through a command (`evidence-agent attest`), never on a schedule: the collector has
   * no config section and the daemon does not run it.
   */
  recordedOnDemand?: boolean;
  /**
   * Its evidence types that are principals (accounts, memberships): one appearing or disappearing
   * between two snapshots of a stream is an access change (the export's principals-added-removed.csv).
   */
  principalTypes?: readonly string[];
  /** Its options for the demo's sandbox estate (`evidence-agent demo`); without it the demo leaves it out. */
  demo?(): Options;
}

/** Helps type a collector object literal without widening its options type. */
export function defineCollector<Options>(collector: Collector<Options>): Collector<Options> {
  return collector;
}
