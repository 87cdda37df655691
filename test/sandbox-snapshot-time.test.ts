// A sandbox snapshot shows the estate as of its own instant, never the end of its day: a user created at
// 09:12:40 is not in the 06:00 snapshot of that morning, a user deleted at 17:20 is still in it, a trail
// stopped in the evening still logs at noon, and no credential was "last used" after the snapshot.
import { IAMClient, paginateGetAccountAuthorizationDetails } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { DRIFT, CAST } from '../sandbox/drift.js';
import { buildCloudTrailEstate, buildIamEstate, startSandbox } from '../sandbox/index.js';
import type { IamEstate } from '../sandbox/index.js';

const END = new Date('2026-03-31T00:00:00Z');
const DAY_MS = 86_400_000;
/** `offset` days from the end day, at hh:mm:ss UTC. */
const at = (offset: number, h: number, m = 0, s = 0) => new Date(END.getTime() + offset * DAY_MS + ((h * 60 + m) * 60 + s) * 1000);
const users = (e: IamEstate) => e.users.map((u) => u.userName);
const estate = (when: Date) => buildIamEstate(when, { historyEnd: END });

describe('sandbox snapshots as of their own time', () => {
  it('shows a user only from the second of its CreateUser, and until the second of its DeleteUser', () => {
    const hire = DRIFT.newHire; // 09:12:40
    expect(users(estate(at(hire.offset, 6)))).not.toContain(CAST.newHire);
    expect(users(estate(at(hire.offset, 9, 12, 39)))).not.toContain(CAST.newHire);
    expect(users(estate(at(hire.offset, 9, 12, 40)))).toContain(CAST.newHire);
    expect(users(estate(at(hire.offset, 23, 59, 59)))).toContain(CAST.newHire);

    const leaver = DRIFT.leaverDeleted; // 17:20:36
    expect(users(estate(at(leaver.offset, 6)))).toContain(CAST.leaver);
    expect(users(estate(at(leaver.offset, 17, 20, 35)))).toContain(CAST.leaver);
    expect(users(estate(at(leaver.offset, 17, 20, 36)))).not.toContain(CAST.leaver);
  });

  it('applies each scripted change at its time of day: group membership, MFA, password policy', () => {
    const promoted = (when: Date) => estate(when).users.find((u) => u.userName === CAST.promoted)!.groups;
    expect(promoted(at(DRIFT.adminPromotion.offset, 6))).not.toContain('Admins'); // promoted at 14:48:02
    expect(promoted(at(DRIFT.adminPromotion.offset, 15))).toContain('Admins');

    const mfaOf = (when: Date, user: string) => estate(when).users.find((u) => u.userName === user)!.mfa;
    expect(mfaOf(at(DRIFT.mfaLost.offset, 6), CAST.lostMfa)).not.toBeNull(); // deactivated at 13:03:44
    expect(mfaOf(at(DRIFT.mfaLost.offset, 14), CAST.lostMfa)).toBeNull();
    expect(mfaOf(at(DRIFT.lateMfa.offset, 6), CAST.lateMfa)).toBeNull(); // enabled at 10:17:55
    expect(mfaOf(at(DRIFT.lateMfa.offset, 11), CAST.lateMfa)).not.toBeNull();

    expect(estate(at(DRIFT.policyRelaxed.offset, 6)).passwordPolicy?.minimumPasswordLength).toBe(14); // relaxed at 09:52:13
    expect(estate(at(DRIFT.policyRelaxed.offset, 10)).passwordPolicy?.minimumPasswordLength).toBe(8);
  });

  it('records no use, delivery or trail change after the snapshot instant', () => {
    for (let offset = -29; offset <= 0; offset++) {
      const when = at(offset, 6);
      const e = estate(when);
      expect(e.asOf).toEqual(when);
      const uses = e.users.flatMap((u) => [u.password?.lastUsed, ...u.accessKeys.map((k) => k.lastUsed?.date)]).filter((d): d is Date => d instanceof Date);
      expect(
        uses.every((d) => d <= when),
        `a credential used after ${when.toISOString()}`,
      ).toBe(true);
      expect(e.roles.every((r) => !r.lastUsed || r.lastUsed.date <= when)).toBe(true);
      const trails = buildCloudTrailEstate(when, { historyEnd: END });
      for (const trail of trails.trails) {
        expect(
          [trail.status.latestDeliveryTime, trail.status.latestCloudWatchLogsDeliveryTime, trail.status.stopLoggingTime].every((d) => !d || d <= when),
        ).toBe(true);
      }
    }
    // org-trail stops at 18:22:05: at noon of that day it still logs.
    const orgTrail = (when: Date) => buildCloudTrailEstate(when, { historyEnd: END }).trails.find((t) => t.name === 'org-trail')!;
    expect(orgTrail(at(DRIFT.orgTrailStopped.offset, 12)).status.isLogging).toBe(true);
    expect(orgTrail(at(DRIFT.orgTrailStopped.offset, 19)).status.isLogging).toBe(false);
  });

  it('serves over the IAM API the estate of the instant set, morning and evening of one day', async () => {
    const sandbox = await startSandbox({ historyEnd: END, date: at(DRIFT.newHire.offset, 6) });
    const iam = new IAMClient({
      endpoint: sandbox.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIASANDBOXEXAMPLE', secretAccessKey: 'sandbox-secret' },
      maxAttempts: 1,
    });
    const listed = async () => {
      const names: (string | undefined)[] = [];
      for await (const page of paginateGetAccountAuthorizationDetails({ client: iam }, { Filter: ['User'] }))
        names.push(...(page.UserDetailList ?? []).map((u) => u.UserName));
      return names;
    };
    try {
      expect(await listed()).not.toContain(CAST.newHire);
      sandbox.setDate(at(DRIFT.newHire.offset, 18));
      expect(await listed()).toContain(CAST.newHire);
    } finally {
      iam.destroy();
      await sandbox.close();
    }
  });
});
