// An external collector for evidence-agent: the leavers your HR system exported, joined with the
// evidence the agent already stored (IAM users of every account, members of every GitHub org), so a
// leaver who still has an IAM user or an org membership is a failing finding.
// Plain JavaScript (ES module): the agent imports it as named in the config, no build step.
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';

const LEAVER_TYPE = 'hr.leaver';
const DAY_MS = 86_400_000;

/** @param {import('../../src/plugins/external-collectors.js').CollectorKit} kit */
export default function hrLeavers({ z, defineCollector, evidenceOf, finding, configDir }) {
  const optionsSchema = z.strictObject({
    /** The HR export: { "leavers": [{ email, name, leftOn, awsUserNames?, githubLogins? }] }, relative to the config. */
    file: z.string().min(1, 'expected the path of the leavers JSON file'),
    /** Days after leaving before remaining access fails the check (a leaver's last day counts). */
    graceDays: z.number().int().min(0).max(30).default(1),
  });

  const leaverSchema = z.strictObject({
    email: z.string().min(3),
    name: z.string().min(1),
    leftOn: z.iso.date(),
    awsUserNames: z.array(z.string().min(1)).default([]),
    githubLogins: z.array(z.string().min(1)).default([]),
  });
  const fileSchema = z.strictObject({ leavers: z.array(leaverSchema) });

  return defineCollector({
    id: 'hr-leavers',
    title: 'HR leavers joined with IAM users and GitHub members',
    optionsSchema,
    permissions: ['read the HR leavers export file', 'read the stored aws-iam and github evidence'],
    defaultSchedule: '0 6 * * *',
    checks: [
      {
        id: 'hr_leavers_leaver_access_removed',
        title: 'Leavers have no IAM user and no GitHub membership',
        severity: 'high',
        description: 'Nobody the HR system lists as gone still has an IAM user in any account or a membership in any GitHub organization.',
        remediation: 'Delete the IAM user and remove the member from the organization; then find out why the leaver process missed them.',
        resourceTypes: [LEAVER_TYPE],
        evaluate: (view, options, now) =>
          evidenceOf(view, LEAVER_TYPE).map((leaver) => {
            const { leftOn, stillHas } = leaver.data;
            const deadline = Date.parse(`${leftOn}T00:00:00Z`) + (options.graceDays + 1) * DAY_MS;
            if (Date.parse(`${leftOn}T00:00:00Z`) > now.getTime()) return finding(leaver, 'not_applicable', `${leaver.resourceId} leaves on ${leftOn}`);
            if (stillHas.length === 0) return finding(leaver, 'pass', `${leaver.resourceId} (left ${leftOn}) has no IAM user and no GitHub membership`);
            const where = stillHas.map((s) => `${s.source} ${s.scope} ${s.resource}`).join(', ');
            if (now.getTime() < deadline)
              return finding(leaver, 'pass', `${leaver.resourceId} (left ${leftOn}) still has access within the grace period: ${where}`);
            return finding(leaver, 'fail', `${leaver.resourceId} (left ${leftOn}) still has access: ${where}`);
          }),
      },
    ],
    scopes: () => [{ key: 'hr', settings: {} }],
    collect: async (ctx) => {
      const path = isAbsolute(ctx.options.file) ? ctx.options.file : join(configDir, ctx.options.file);
      const parsed = fileSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new Error(`${path}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
      }
      // The latest snapshot of every account and org, as stored by the built-in collectors.
      const users = await ctx.storedEvidence.latest('aws-iam', 'aws.iam.user');
      const members = await ctx.storedEvidence.latest('github', 'github.member');
      const evidence = [];
      const errors = [];
      for (const leaver of parsed.data.leavers) {
        if (users.length === 0 && members.length === 0) {
          errors.push({
            type: LEAVER_TYPE,
            resourceId: leaver.email,
            error: 'no stored aws-iam or github evidence to compare with: run those collectors first',
          });
          continue;
        }
        const names = new Set([...leaver.awsUserNames, leaver.email]);
        const logins = new Set(leaver.githubLogins.map((l) => l.toLowerCase()));
        const stillHas = [
          ...users
            .filter((u) => names.has(u.data.userName) || u.data.tags?.email === leaver.email)
            .map((u) => ({ source: 'aws-iam', scope: u.scope, resource: u.resourceId })),
          ...members.filter((m) => logins.has(String(m.data.login).toLowerCase())).map((m) => ({ source: 'github', scope: m.scope, resource: m.data.login })),
        ].sort((a, b) => (a.source + a.resource < b.source + b.resource ? -1 : 1));
        // Which snapshot each match came from is in the chain (the joined runs); the document holds what
        // was found, so an unchanged situation stores no new document on the next run.
        evidence.push({ type: LEAVER_TYPE, resourceId: leaver.email, schemaVersion: 1, data: { name: leaver.name, leftOn: leaver.leftOn, stillHas } });
      }
      return { evidence, errors, meta: { leavers: parsed.data.leavers.length, iamUsersCompared: users.length, githubMembersCompared: members.length } };
    },
  });
}
