// The people and service users of the sandbox account: a fixed cast that carries the faults and the drift,
// plus generated staff (console users with MFA, some with a CLI key) up to the requested head count.
import { CAST, changesBy, DRIFT, LEAVER_LAST_DAY } from './drift.js';
import { SANDBOX_ACCOUNT_ID, SANDBOX_REGION } from './estate-model.js';
import type { EstateAccessKey, EstatePassword, EstateUser, EstateVirtualMfaDevice, InlinePolicy, MfaDevice } from './estate-model.js';
import { allow, awsPolicyArn, customerPolicyArn, doc } from './estate-policies.js';
import { awsId, dayIndex, pick, usesOn } from './estate-timeline.js';
import type { Activity, Timeline, UsePattern } from './estate-timeline.js';

const ACCOUNT = SANDBOX_ACCOUNT_ID;

interface KeySpec {
  created: Date;
  deactivated?: Date;
  use: { service: string; pattern: UsePattern; until?: Date } | null;
}
export interface UserSpec {
  name: string;
  path?: string;
  created: Date;
  deleted?: Date;
  groups: string[];
  attached?: string[];
  inline?: InlinePolicy[];
  tags: Record<string, string>;
  /** Console password: when it was set, how it is used (until: last sign-in ever). */
  password?: { changed: Date[]; pattern: UsePattern; until?: Date };
  /** A virtual device: created, then enabled (assigned), perhaps deactivated (unassigned again). */
  mfa?: { created: Date; enabled?: Date; deactivated?: Date };
  keys?: KeySpec[];
}

const OFFICE: UsePattern = { weekday: 0.9, weekend: 0.04, hours: [7, 18] };
const NIGHTLY: UsePattern = { weekday: 1, weekend: 1, hours: [2, 5] };
const MORNING_JOB: UsePattern = { weekday: 1, weekend: 1, hours: [6, 7] };
const minutesAfter = (date: Date, minutes: number) => new Date(date.getTime() + minutes * 60_000);

const s3 = (bucket: string) => [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`];
const INLINE = {
  analyst: doc(allow(['athena:*', 'glue:Get*']), allow(['s3:GetObject', 's3:ListBucket'], s3('example-co-lake'))),
  backup: doc(allow(['s3:PutObject', 's3:ListBucket'], s3('example-co-backups'))),
  ecrPush: doc(allow('ecr:*')),
  reporting: doc(allow(['athena:StartQueryExecution', 'athena:GetQueryResults', 's3:GetObject'])),
};

function person(name: string, created: Date, groups: string[], team: string, extra: Partial<UserSpec> = {}): UserSpec {
  return {
    name,
    created,
    groups,
    tags: { team },
    password: { changed: [created], pattern: OFFICE },
    mfa: { created: minutesAfter(created, 10), enabled: minutesAfter(created, 11) },
    ...extra,
  };
}
function serviceUser(name: string, created: Date, purpose: string, extra: Partial<UserSpec>): UserSpec {
  return { name, path: '/service/', created, groups: [], tags: { owner: 'platform', purpose }, ...extra };
}

/** The fixed cast. Faults on every day: see the comments; drift: see drift.ts. */
export function castUsers(t: Timeline): UserSpec[] {
  const at = t.at;
  const rotation = t.when(DRIFT.keyRotation);
  const erin = at(-560, 10, 2, 11);
  const stale = at(-120, 10, 2, 11);
  const promotion = t.has(DRIFT.adminPromotion) ? ['Admins'] : [];
  return [
    person('alice.nguyen', at(-1180, 9, 14, 3), ['Admins'], 'platform', {
      password: { changed: [at(-1180, 9, 14, 3), at(-95, 8, 40, 12)], pattern: OFFICE },
    }),
    person('bob.martin', at(-990, 13, 2, 48), ['Admins'], 'platform'),
    person(CAST.promoted, at(-730, 10, 11, 9), [...promotion, 'Developers'], 'engineering'),
    // A console user without MFA until the drift: a virtual device was created but never enabled.
    person(CAST.lateMfa, at(-410, 9, 30, 0), ['Developers'], 'engineering', {
      mfa: { created: at(-300, 11, 0, 0), enabled: t.when(DRIFT.lateMfa) },
    }),
    person(CAST.lostMfa, erin, ['Developers'], 'engineering', {
      mfa: { created: erin, enabled: minutesAfter(erin, 15), deactivated: t.when(DRIFT.mfaLost) },
    }),
    // A user with a policy attached directly (and a `*` on `*` one at that).
    person(CAST.directPolicy, at(-1020, 15, 45, 0), ['Developers'], 'engineering', {
      attached: [customerPolicyArn('/legacy/', 'LegacyFullAccess')],
    }),
    // A user with an inline policy.
    person(CAST.inlinePolicy, at(-640, 9, 58, 20), ['ReadOnly'], 'data', {
      inline: [{ name: 'athena-adhoc', document: INLINE.analyst }],
    }),
    // Credentials last used 120 days before the end day, password and key still enabled.
    person(CAST.stale, at(-840, 11, 20, 41), ['ReadOnly'], 'support', {
      password: { changed: [at(-840, 11, 20, 41)], pattern: OFFICE, until: stale },
      keys: [{ created: at(-610, 9, 0, 0), use: { service: 's3', pattern: OFFICE, until: minutesAfter(stale, 13) } }],
    }),
    person(CAST.leaver, at(-600, 8, 45, 30), ['Developers'], 'engineering', {
      deleted: t.when(DRIFT.leaverDeleted),
      password: { changed: [at(-600, 8, 45, 30)], pattern: OFFICE, until: at(LEAVER_LAST_DAY, 16, 58, 3) },
    }),
    person(CAST.newHire, t.when(DRIFT.newHire), ['Developers'], 'engineering', {
      mfa: { created: t.when(DRIFT.newHireMfa), enabled: minutesAfter(t.when(DRIFT.newHireMfa), 1) },
    }),
    person('kate.oneill', at(-450, 14, 0, 2), ['Billing'], 'finance', {
      password: { changed: [at(-450, 14, 0, 2)], pattern: { ...OFFICE, weekday: 0.4 } },
    }),
    // An active access key about 200 days old on the end day.
    serviceUser('svc-backup', at(-620, 7, 12, 0), 'nightly backups', {
      inline: [{ name: 'backup-writer', document: INLINE.backup }],
      keys: [{ created: at(-200, 9, 30, 4), use: { service: 's3', pattern: NIGHTLY } }],
    }),
    // Two active access keys.
    serviceUser('svc-ci-legacy', at(-905, 16, 3, 33), 'legacy Jenkins pushes', {
      inline: [{ name: 'ecr-push', document: INLINE.ecrPush }],
      keys: [
        { created: at(-410, 16, 10, 0), use: { service: 'ecr', pattern: { ...OFFICE, weekday: 0.85 } } },
        { created: at(-150, 11, 45, 12), use: { service: 'sts', pattern: { ...NIGHTLY, weekday: 0.1, weekend: 0.1 } } },
      ],
    }),
    serviceUser(CAST.rotated, at(-800, 10, 30, 0), 'BI exports', {
      inline: [{ name: 'athena-read', document: INLINE.reporting }],
      keys: [
        {
          created: at(-380, 10, 44, 0),
          deactivated: minutesAfter(rotation, 5),
          use: { service: 'athena', pattern: MORNING_JOB, until: at(DRIFT.keyRotation.offset, 6, 12, 0) },
        },
        { created: rotation, use: { service: 'athena', pattern: MORNING_JOB } },
      ],
    }),
    serviceUser('svc-monitoring', at(-40, 12, 1, 15), 'uptime dashboards', {
      attached: [awsPolicyArn('CloudWatchReadOnlyAccess')],
      keys: [{ created: at(-40, 12, 3, 0), use: { service: 'cloudwatch', pattern: NIGHTLY } }],
    }),
  ];
}

const FIRST_NAMES = [
  'amara',
  'ben',
  'chen',
  'diego',
  'elena',
  'farah',
  'george',
  'hana',
  'isaac',
  'jonas',
  'kiran',
  'lena',
  'marco',
  'nadia',
  'oscar',
  'priya',
  'rosa',
  'sam',
  'tariq',
  'uma',
  'victor',
  'wen',
  'yara',
  'zoe',
  'liam',
  'maya',
  'noah',
];
const LAST_NAMES = [
  'adams',
  'baker',
  'costa',
  'dubois',
  'evans',
  'fischer',
  'garcia',
  'hughes',
  'ibrahim',
  'jensen',
  'kim',
  'lopez',
  'moreau',
  'novak',
  'olsen',
  'park',
  'rossi',
  'silva',
  'tanaka',
  'varga',
  'weber',
  'young',
  'zhang',
  'mensah',
];
/** Two thirds developers, the rest support and finance. */
function staffGroup(r: number): { group: string; team: string } {
  if (r < 0.65) return { group: 'Developers', team: 'engineering' };
  return r < 0.85 ? { group: 'ReadOnly', team: 'support' } : { group: 'Billing', team: 'finance' };
}

/** Ordinary staff: console users with MFA in one group, a quarter with a CLI access key. */
export function staffUsers(t: Timeline, count: number, taken: ReadonlySet<string>): UserSpec[] {
  const names = new Set(taken);
  const specs: UserSpec[] = [];
  for (let i = 0; i < count; i++) {
    let name = '';
    for (let attempt = 0; !name || names.has(name); attempt++) {
      const key = `staff${i}|${attempt}`;
      // Past a few hundred staff the first.last pairs run out: a number keeps the name unique.
      const suffix = attempt >= 20 ? String(i + 1) : '';
      name = `${pick(FIRST_NAMES, t.draw(`${key}|first`))}.${pick(LAST_NAMES, t.draw(`${key}|last`))}${suffix}`;
    }
    names.add(name);
    const r = (what: string) => t.draw(`${name}|${what}`);
    const time = (what: string): [number, number, number] => [
      8 + Math.floor(r(`${what}h`) * 9),
      Math.floor(r(`${what}m`) * 60),
      Math.floor(r(`${what}s`) * 60),
    ];
    const offset = -45 - Math.floor(r('age') * 1050);
    const created = t.at(offset, ...time('created'));
    const passwordChanged = t.at(offset + Math.floor(r('pwd') * (-30 - offset)), ...time('pwd'));
    const { group, team } = staffGroup(r('group'));
    const keyCreated = t.at(Math.max(offset + 1, -85 + Math.floor(r('keyAge') * 50)), ...time('key'));
    const service = pick(['sts', 's3', 'ec2', 'logs'], r('service'));
    specs.push(
      person(name, created, [group], team, {
        password: { changed: [created, passwordChanged], pattern: { ...OFFICE, weekday: 0.55 + r('busy') * 0.4 } },
        mfa: { created: minutesAfter(created, 20), enabled: minutesAfter(created, 21) },
        keys: r('key') < 0.25 ? [{ created: keyCreated, use: { service, pattern: { ...OFFICE, weekday: 0.5 } } }] : [],
      }),
    );
  }
  return specs;
}

/** A change's preparatory steps (a leaver's login profile, groups, MFA) start up to this long before it. */
const SESSION_LEAD_MINUTES = 5;

/**
 * A user's console sign-ins: their pattern, plus a sign-in a few minutes before each scripted change they
 * make when the pattern has not signed them in earlier that day (the change needs a session).
 */
export function consoleActivity(t: Timeline, spec: UserSpec): Activity | null {
  const login = spec.password;
  if (!login) return null;
  const base: Activity = {
    ...login.pattern,
    key: `${spec.name}|console`,
    from: spec.created,
    ...(login.until ? { until: login.until } : {}),
  };
  const extra = changesBy(spec.name).flatMap((moment) => {
    const change = t.when(moment);
    if (sessionStart(t.seed, base, change)) return [];
    const minutes = SESSION_LEAD_MINUTES + 1 + Math.floor(t.draw(`${spec.name}|${dayIndex(change)}|session`) * 20);
    return [new Date(change.getTime() - minutes * 60_000)];
  });
  return extra.length > 0 ? { ...base, extra } : base;
}

/** The sign-in (that day, before the change's first step) whose console session makes a change at `when`. */
export function sessionStart(seed: number, activity: Activity, when: Date): Date | null {
  const latest = when.getTime() - SESSION_LEAD_MINUTES * 60_000;
  const earlier = usesOn(seed, activity, dayIndex(when)).filter((u) => u.getTime() <= latest);
  return earlier.at(-1) ?? null;
}

/** A user's access keys in slot order, with their ids and patterns of use. */
export function accessKeyUses(t: Timeline, spec: UserSpec) {
  return (spec.keys ?? []).map((k, slot) => {
    const until = k.use?.until ?? k.deactivated;
    const activity: Activity | null = k.use ? { ...k.use.pattern, key: `${spec.name}|key${slot}`, from: k.created, ...(until ? { until } : {}) } : null;
    return { spec: k, accessKeyId: awsId('AKIA', 16, t.seed, `key:${spec.name}:${slot}`), activity };
  });
}

/** The user as it stands on the snapshot day (null before creation or after deletion); records its MFA device. */
export function buildUser(t: Timeline, spec: UserSpec, devices: EstateVirtualMfaDevice[]): EstateUser | null {
  if (!t.exists(spec.created) || t.exists(spec.deleted)) return null;
  const path = spec.path ?? '/';
  const userId = t.id('AIDA', `user:${spec.name}`);
  const arn = `arn:aws:iam::${ACCOUNT}:user${path}${spec.name}`;
  const login = spec.password;
  const password: EstatePassword | null = login
    ? {
        lastChanged: login.changed.filter((d) => t.exists(d)).at(-1) ?? spec.created,
        lastUsed: t.lastActive(consoleActivity(t, spec)),
      }
    : null;
  let mfa: MfaDevice | null = null;
  if (spec.mfa && t.exists(spec.mfa.created)) {
    const serialNumber = `arn:aws:iam::${ACCOUNT}:mfa/${spec.name}`;
    const { enabled: enableDate, deactivated } = spec.mfa;
    const enabled = enableDate && t.exists(enableDate) && !t.exists(deactivated) ? enableDate : null;
    if (enabled) mfa = { serialNumber, enableDate: enabled, virtual: true };
    devices.push({
      serialNumber,
      enableDate: enabled,
      user: enabled && {
        userName: spec.name,
        path,
        userId,
        arn,
        createDate: spec.created,
        passwordLastUsed: password?.lastUsed ?? null,
      },
    });
  }
  const accessKeys = accessKeyUses(t, spec)
    .filter(({ spec: k }) => t.exists(k.created))
    .map(({ spec: k, accessKeyId, activity }): EstateAccessKey => {
      const used = t.lastActive(activity);
      return {
        accessKeyId,
        active: !t.exists(k.deactivated),
        createDate: k.created,
        lastUsed: used && k.use ? { date: used, region: SANDBOX_REGION, service: k.use.service } : null,
      };
    });
  return {
    userName: spec.name,
    userId,
    arn,
    path,
    createDate: spec.created,
    groups: spec.groups,
    attachedPolicyArns: spec.attached ?? [],
    inlinePolicies: spec.inline ?? [],
    tags: Object.entries(spec.tags).map(([key, value]) => ({ key, value })),
    password,
    mfa,
    accessKeys,
  };
}
