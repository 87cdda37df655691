// The event history of the sandbox account, one region and UTC day at a time: console sign-ins that match
// the IAM estate's password_last_used, access-key calls that match its key last-used data, the drift's
// change calls, and (for benchmarks) routine service calls up to a daily volume.
import { changeEvents } from './cloudtrail-changes.js';
import { CLOUDTRAIL_HOME_REGION, CLOUDTRAIL_REGIONS } from './cloudtrail-estate.js';
import { browserOf, iamUserIdentity, mfaActiveAt, mfaSerial, rootIdentity, serviceIdentity, sourceIp, trailEvent } from './cloudtrail-records.js';
import type { EventDraft, TrailEvent } from './cloudtrail-records.js';
import { rootSignIns, userSpecs } from './estate.js';
import { DEFAULT_ESTATE_SEED, SANDBOX_ACCOUNT_ID, SANDBOX_REGION } from './estate-model.js';
import { DAY_MS, dayIndex, hash32, timeline, usesOn } from './estate-timeline.js';
import type { Activity, Timeline } from './estate-timeline.js';
import { accessKeyUses, consoleActivity } from './estate-users.js';
import type { UserSpec } from './estate-users.js';

export interface EventHistoryOptions {
  historyEnd: Date;
  seed?: number;
  /** Head count on the end day, as for the IAM estate. */
  users?: number;
  /** Pads each activity region's days up to this many events with routine service calls (default 0: none). */
  eventsPerDay?: number;
  /** The regions eventsPerDay pads (default us-east-1 and eu-west-1). */
  paddedRegions?: readonly string[];
}

const SIGN_IN_URL = 'https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true';

/** What a service user's or person's access key does when it is used, by the service IAM reports. */
const KEY_CALLS: Record<string, { source: string; name: string; readOnly: boolean; bucket?: string }> = {
  s3: { source: 's3.amazonaws.com', name: 'GetBucketLocation', readOnly: true, bucket: 'example-co-lake' },
  athena: { source: 'athena.amazonaws.com', name: 'StartQueryExecution', readOnly: false },
  ecr: { source: 'ecr.amazonaws.com', name: 'GetAuthorizationToken', readOnly: true },
  sts: { source: 'sts.amazonaws.com', name: 'GetCallerIdentity', readOnly: true },
  cloudwatch: { source: 'monitoring.amazonaws.com', name: 'GetMetricData', readOnly: true },
  ec2: { source: 'ec2.amazonaws.com', name: 'DescribeInstances', readOnly: true },
  logs: { source: 'logs.amazonaws.com', name: 'DescribeLogGroups', readOnly: true },
};
const BUCKETS: Record<string, string> = { 'svc-backup': 'example-co-backups' };
const SDK_AGENT = 'Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#6.1.79 md/arch#x86_64 lang/python#3.11.8';
const CLI_AGENT = 'aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/macos#23.4.0 md/arch#arm64 lang/python#3.11.8';

/** Workload roles the benchmark padding has ECS and Lambda assume. */
const WORKLOADS = [
  { roleArn: `arn:aws:iam::${SANDBOX_ACCOUNT_ID}:role/app-ecs-task`, service: 'ecs-tasks.amazonaws.com' },
  { roleArn: `arn:aws:iam::${SANDBOX_ACCOUNT_ID}:role/service-role/app-lambda-exec`, service: 'lambda.amazonaws.com' },
].map((w) => ({ ...w, identity: serviceIdentity(w.service) }));

/** Caps memory when eventsPerDay is large: whole days are dropped oldest-used first. */
const MAX_CACHED_EVENTS = 300_000;

/**
 * Whether a padding event (a service's AssumeRole) can match a lookup attribute: when it cannot, lookups
 * skip the padding, which keeps a filtered search of a large history fast.
 */
export function paddingMayMatch(key: string, value: string): boolean {
  switch (key) {
    case 'EventName':
      return value === 'AssumeRole';
    case 'EventSource':
      return value === 'sts.amazonaws.com';
    case 'ReadOnly':
      return value === 'true';
    case 'ResourceType':
      return value === 'AWS::IAM::Role' || value === 'AWS::IAM::AccessKey';
    case 'Username':
    case 'AccessKeyId':
      return false;
    default:
      return true;
  }
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
/** A 16-character temporary key id from three hashes: the estate's per-character ids cost too much here. */
function temporaryKeyId(seed: number, key: string): string {
  let id = 'ASIA';
  for (let part = 0; part < 3; part++) {
    let bits = hash32(`${key}#${part}`, seed);
    for (let i = 0; i < 6 && id.length < 20; i++, bits >>>= 5) id += BASE32.charAt(bits & 31);
  }
  return id;
}

interface Person {
  spec: UserSpec;
  console: Activity | null;
  keys: ReturnType<typeof accessKeyUses>;
}

export class EventHistory {
  private readonly t: Timeline;
  private readonly people: Person[];
  private readonly changes: TrailEvent[];
  private readonly eventsPerDay: number;
  private readonly paddedRegions: readonly string[];
  private readonly cache = new Map<string, TrailEvent[]>();
  private cachedEvents = 0;

  constructor(options: EventHistoryOptions) {
    // Specs and changes are dated from the end day, so one timeline serves every day.
    this.t = timeline(options.historyEnd, options.historyEnd, options.seed ?? DEFAULT_ESTATE_SEED);
    const specs = userSpecs(this.t, options.users);
    this.people = specs.map((spec) => ({
      spec,
      console: consoleActivity(this.t, spec),
      keys: accessKeyUses(this.t, spec),
    }));
    this.changes = changeEvents(this.t, specs);
    this.eventsPerDay = options.eventsPerDay ?? 0;
    this.paddedRegions = options.paddedRegions ?? CLOUDTRAIL_REGIONS;
  }

  /**
   * The events recorded in `region` on epoch day `day`, newest first (ties in event id order);
   * without the eventsPerDay padding when `padding` is false.
   */
  eventsOn(region: string, day: number, padding = true): TrailEvent[] {
    const key = `${region}|${day}|${padding && this.eventsPerDay > 0}`;
    const cached = this.cache.get(key);
    if (cached) {
      this.cache.delete(key);
      this.cache.set(key, cached);
      return cached;
    }
    const events = this.build(region, day, padding);
    events.sort((a, b) => b.eventTime.getTime() - a.eventTime.getTime() || (a.eventId < b.eventId ? -1 : 1));
    for (const [oldKey, old] of this.cache) {
      if (this.cachedEvents + events.length <= MAX_CACHED_EVENTS) break;
      this.cache.delete(oldKey);
      this.cachedEvents -= old.length;
    }
    this.cache.set(key, events);
    this.cachedEvents += events.length;
    return events;
  }

  private build(region: string, day: number, padding: boolean): TrailEvent[] {
    const events = this.changes.filter((e) => e.awsRegion === region && dayIndex(e.eventTime) === day);
    if (region === CLOUDTRAIL_HOME_REGION) events.push(...this.signIns(day));
    if (region === SANDBOX_REGION) events.push(...this.keyCalls(day));
    if (padding && this.paddedRegions.includes(region)) {
      events.push(...this.padding(region, day, this.eventsPerDay - events.length));
    }
    return events;
  }

  /** ConsoleLogin is a global event: recorded in us-east-1 whichever region the console opens in. */
  private signIns(day: number): TrailEvent[] {
    const seed = this.t.seed;
    const event = (who: string, when: Date, draft: Pick<EventDraft, 'userIdentity' | 'additionalEventData'>) =>
      trailEvent(seed, `${CLOUDTRAIL_HOME_REGION}|signin|${who}|${when.getTime()}`, {
        eventTime: when,
        eventName: 'ConsoleLogin',
        eventSource: 'signin.amazonaws.com',
        awsRegion: CLOUDTRAIL_HOME_REGION,
        readOnly: false,
        eventType: 'AwsConsoleSignIn',
        sourceIPAddress: sourceIp(who),
        userAgent: browserOf(who),
        requestParameters: null,
        responseElements: { ConsoleLogin: 'Success' },
        resources: [],
        ...draft,
      });
    const people = this.people.flatMap(({ spec, console }) =>
      console
        ? usesOn(seed, console, day).map((when) => {
            const mfa = mfaActiveAt(spec, when);
            return event(spec.name, when, {
              userIdentity: iamUserIdentity(seed, spec),
              additionalEventData: {
                LoginTo: SIGN_IN_URL,
                MobileVersion: 'No',
                ...(mfa ? { MFAIdentifier: mfaSerial(spec.name) } : {}),
                MFAUsed: mfa ? 'Yes' : 'No',
              },
            });
          })
        : [],
    );
    const root = rootSignIns(this.t)
      .filter((when) => dayIndex(when) === day)
      .map((when) =>
        event('root', when, {
          // As recorded logs show root console sign-ins: invoked by the sign-in service, for a person.
          userIdentity: { ...rootIdentity(seed), invokedBy: 'signin.amazonaws.com' },
          additionalEventData: { LoginTo: SIGN_IN_URL, MobileVersion: 'No', MFAUsed: 'Yes' },
        }),
      );
    return [...people, ...root];
  }

  /** One call per key use, in the region IAM reports keys as last used in. */
  private keyCalls(day: number): TrailEvent[] {
    const seed = this.t.seed;
    return this.people.flatMap(({ spec, keys }) =>
      keys.flatMap(({ spec: key, accessKeyId, activity }) => {
        const call = key.use && KEY_CALLS[key.use.service];
        if (!activity || !call) return [];
        const bucket = BUCKETS[spec.name] ?? call.bucket;
        return usesOn(seed, activity, day).map((when) =>
          trailEvent(seed, `${SANDBOX_REGION}|key|${accessKeyId}|${when.getTime()}`, {
            eventTime: when,
            eventName: call.name,
            eventSource: call.source,
            awsRegion: SANDBOX_REGION,
            readOnly: call.readOnly,
            eventType: 'AwsApiCall',
            userIdentity: iamUserIdentity(seed, spec, accessKeyId),
            sourceIPAddress: sourceIp(spec.name, spec.path === '/service/'),
            userAgent: spec.path === '/service/' ? SDK_AGENT : CLI_AGENT,
            requestParameters: bucket ? { bucketName: bucket, location: '' } : null,
            responseElements: null,
            resources: bucket ? [{ type: 'AWS::S3::Bucket', name: bucket }] : [],
          }),
        );
      }),
    );
  }

  /** Routine AssumeRole calls by ECS and Lambda, spread over the day (the benchmark volume). */
  private padding(region: string, day: number, count: number): TrailEvent[] {
    const seed = this.t.seed;
    const events: TrailEvent[] = [];
    for (let i = 0; i < count; i++) {
      const workload = WORKLOADS[i % WORKLOADS.length];
      if (!workload) break;
      const when = new Date(day * DAY_MS + Math.floor(((i + 0.5) * DAY_MS) / count));
      const { roleArn } = workload;
      const key = `${region}|pad|${day}|${i}`;
      const accessKeyId = temporaryKeyId(seed, key);
      const expiration = new Date(when.getTime() + 6 * 3_600_000).toISOString();
      events.push(
        trailEvent(seed, key, {
          eventTime: when,
          eventName: 'AssumeRole',
          eventSource: 'sts.amazonaws.com',
          awsRegion: region,
          readOnly: true,
          eventType: 'AwsApiCall',
          userIdentity: workload.identity,
          sourceIPAddress: workload.service,
          userAgent: workload.service,
          // Sessions are named after the task or invocation: any unique id will do.
          requestParameters: { roleArn, roleSessionName: accessKeyId.slice(4).toLowerCase() },
          responseElements: { credentials: { accessKeyId, expiration } },
          resources: [
            { type: 'AWS::IAM::AccessKey', name: accessKeyId },
            { type: 'AWS::IAM::Role', name: roleArn },
          ],
        }),
      );
    }
    return events;
  }
}
