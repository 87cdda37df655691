// The scripted history of the sandbox account: dated changes counted back from the end day, so a
// `demo --days 30` run ending today shows them. The builders consult this table; the demo prints it.
import type { DriftEvent } from './estate-model.js';
import { dayIndex, dayTime } from './estate-timeline.js';
import type { HistoryMoment } from './estate-timeline.js';

/** The cast members the history is about. */
export const CAST = {
  promoted: 'carol.diaz',
  lateMfa: 'dan.okafor',
  lostMfa: 'erin.kowalski',
  directPolicy: 'frank.schmidt',
  inlinePolicy: 'grace.ito',
  stale: 'henry.walsh',
  leaver: 'ivan.petrov',
  newHire: 'julia.santos',
  rotated: 'svc-reporting',
} as const;

/** Who made a change in the console: an IAM user of the cast, or the root user. */
export const ROOT = 'root';
interface DriftSpec extends HistoryMoment {
  description: string;
  /** Made in the console by this user, who signs in first (CloudTrail records both). */
  by?: string;
}

export const DRIFT = {
  passwordPolicyCreated: {
    offset: -27,
    time: [16, 5, 12],
    description: 'Account password policy created (minimum length 14, all character classes, 24 remembered)',
    by: 'alice.nguyen',
  },
  newHire: {
    offset: -24,
    time: [9, 12, 40],
    description: `New hire ${CAST.newHire} created in Developers`,
    by: 'alice.nguyen',
  },
  newHireMfa: {
    offset: -23,
    time: [9, 31, 7],
    description: `${CAST.newHire} enables a virtual MFA device`,
    by: CAST.newHire,
  },
  adminPromotion: {
    offset: -20,
    time: [14, 48, 2],
    description: `${CAST.promoted} added to the Admins group`,
    by: 'bob.martin',
  },
  keyRotation: {
    offset: -15,
    time: [11, 2, 30],
    description: `${CAST.rotated} access key rotated: new key created, old key deactivated`,
    by: 'alice.nguyen',
  },
  lateMfa: {
    offset: -12,
    time: [10, 17, 55],
    description: `${CAST.lateMfa} enables MFA on a console user`,
    by: CAST.lateMfa,
  },
  s3Policy: {
    offset: -10,
    time: [15, 40, 9],
    description: 'Customer policy DataLakeS3Access (s3:* on *) created and attached to role app-ecs-task',
    // By a developer: the `*` on `*` policy attached to them allows it.
    by: CAST.directPolicy,
  },
  mfaLost: {
    offset: -8,
    time: [13, 3, 44],
    description: `${CAST.lostMfa} deactivates their MFA device`,
    by: CAST.lostMfa,
  },
  rootSignIn: { offset: -6, time: [9, 41, 27], description: 'Root user signs in to the console' },
  policyRelaxed: {
    offset: -6,
    time: [9, 52, 13],
    description: 'Password policy relaxed: minimum length 14 -> 8',
    by: ROOT,
  },
  vendorRole: {
    offset: -16,
    time: [14, 5, 33],
    description: 'Role vendor-monitoring created for the monitoring vendor, trusting its whole account 210987654321 without an external id',
    by: 'alice.nguyen',
  },
  securityTrail: {
    offset: -5,
    time: [11, 20, 4],
    description: 'Multi-region trail security-trail created, with a CloudWatch Logs log group and CIS alarms for root use and trail changes only',
    by: 'alice.nguyen',
  },
  leaverDeleted: {
    offset: -3,
    time: [17, 20, 36],
    description: `Leaver ${CAST.leaver} deleted, 8 days after their last sign-in`,
    by: 'alice.nguyen',
  },
  // CloudTrail. The organization trail belongs to the management account, which stops and restarts it.
  orgTrailStopped: {
    offset: -9,
    time: [18, 22, 5],
    description: 'Logging stopped on the organization trail org-trail (from the management account)',
  },
  orgTrailStarted: {
    offset: -8,
    time: [11, 47, 30],
    description: 'Logging restarted on org-trail after 17 hours without logging',
  },
  euAuditValidation: {
    offset: -4,
    time: [10, 5, 41],
    description: 'Log file validation turned on for the eu-west-1 trail eu-audit',
    by: 'alice.nguyen',
  },
  orgTrailCloudWatchError: {
    offset: -2,
    time: [3, 14, 0],
    description: 'org-trail stops delivering to CloudWatch Logs (AccessDenied on the delivery role)',
  },
} as const satisfies Record<string, DriftSpec>;

/** The leaver's last working day, relative to the end day. */
export const LEAVER_LAST_DAY = DRIFT.leaverDeleted.offset - 8;

/** The scripted changes a user makes in the console. */
export function changesBy(user: string): HistoryMoment[] {
  return Object.values(DRIFT).filter((e: DriftSpec) => e.by === user);
}

/** The scripted changes of the history ending on `historyEnd`'s UTC day, oldest first. */
export function driftEvents(historyEnd: Date): DriftEvent[] {
  const endDay = dayIndex(historyEnd);
  return Object.values(DRIFT)
    .map((e: DriftSpec) => ({ date: dayTime(endDay + e.offset, ...e.time), description: e.description }))
    .sort((a, b) => a.date.getTime() - b.date.getTime());
}
