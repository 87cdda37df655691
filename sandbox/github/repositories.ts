// The repositories of the organization: ten with a fixed name, each carrying one situation the
// collector's checks are about (ruleset-only protection, an admin bypass, no protection, an archived
// repository, a write deploy key, no CODEOWNERS, security features off, an empty repository), then
// ordinary, well-kept repositories named from a pool until the requested count. A repository is a
// handful of numbers and flags: 200 of them cost nothing.
import { between, draw, gitOid, pick } from './chance.js';
import { DAY_MS } from './clock.js';

/** What protects the default branch. */
export type ProtectionStyle =
  /** Classic branch protection only. */
  | 'classic'
  /** An organization ruleset only: GET …/protection answers 404 "Branch not protected". */
  | 'org-ruleset'
  /** Classic protection that does not bind admins, plus a repository ruleset organization admins may bypass. */
  | 'classic-with-bypass'
  | 'none';

export type Area = 'backend' | 'frontend' | 'platform' | 'data';
export type CodeownersPath = '.github/CODEOWNERS' | 'CODEOWNERS' | 'docs/CODEOWNERS';

export interface CheckSpec {
  kind: 'check-run' | 'status';
  name: string;
}

export interface DeployKeySpec {
  id: number;
  title: string;
  readOnly: boolean;
  createdAt: number;
  key: string;
}

export interface RepositorySpec {
  index: number;
  name: string;
  id: number;
  description: string;
  language: string | null;
  area: Area;
  visibility: 'private' | 'public';
  archived: boolean;
  /** No commit yet: REST still names `main`, GraphQL has no defaultBranchRef, the branch is 404. */
  empty: boolean;
  defaultBranch: string;
  /** Branches besides the default one (pull requests may be merged into them). */
  otherBranches: string[];
  createdAt: number;
  /** pushed_at when nothing of the history has happened yet. */
  pushedBeforeHistory: number;
  protection: ProtectionStyle;
  requiredApprovals: number;
  requireCodeOwnerReviews: boolean;
  requireLastPushApproval: boolean;
  /** Checks every pull request runs besides the required ci/build. */
  extraChecks: CheckSpec[];
  codeowners: CodeownersPath | null;
  dependabotAlerts: boolean;
  secretScanning: boolean;
  pushProtection: boolean;
  deployKeys: DeployKeySpec[];
  /** Relative share of the organization's pull requests (0: none). */
  activity: number;
  sizeKb: number;
}

/** The repositories with a fixed role, by the situation each one stands for. */
export const SPECIAL_REPOSITORIES = {
  /** Classic protection: 2 approvals, code owners, last-push approval, admins bound. */
  strictClassic: 'payments-api',
  /** Classic protection: 1 approval, admins bound. */
  classic: 'web-app',
  /** Protected only by an organization ruleset with nobody on its bypass list. */
  rulesetOnly: 'platform-config',
  /** Classic protection without enforce_admins, and a repository ruleset OrganizationAdmin may bypass. */
  mixed: 'deploy-tools',
  /** Default branch not protected at all (public marketing site). */
  unprotected: 'marketing-site',
  archived: 'legacy-monolith',
  /** A deploy key with write access among 22 keys (more than the GraphQL query's 20: read over REST). */
  writeDeployKey: 'ci-runners',
  noCodeowners: 'data-pipeline',
  /** Dependabot alerts off, secret scanning and push protection disabled. */
  securityOff: 'ml-experiments',
  /** No commit yet. */
  empty: 'new-service',
} as const;

export const REQUIRED_CHECK = 'ci/build';
export const RELEASE_BRANCH = 'release/2.4';
export const DEFAULT_REPOSITORY_COUNT = 12;

type DeployKeyOverride = Pick<DeployKeySpec, 'title' | 'readOnly'>;
type Overrides = Partial<Omit<RepositorySpec, 'index' | 'id' | 'name' | 'deployKeys'>> & { name: string; deployKeys?: DeployKeyOverride[] };

/** Created this many days before the history starts (so they always exist), oldest first. */
const SPECIAL: (Overrides & { ageDays: number })[] = [
  {
    name: SPECIAL_REPOSITORIES.archived,
    ageDays: 2900,
    description: 'The original Rails monolith, replaced by services',
    language: 'Ruby',
    area: 'backend',
    archived: true,
    defaultBranch: 'master',
    codeowners: null,
    activity: 0,
    sizeKb: 148_220,
  },
  {
    name: SPECIAL_REPOSITORIES.strictClassic,
    ageDays: 1900,
    description: 'Card and bank payment processing API',
    language: 'Go',
    area: 'backend',
    requiredApprovals: 2,
    requireCodeOwnerReviews: true,
    requireLastPushApproval: true,
    otherBranches: [RELEASE_BRANCH],
    codeowners: '.github/CODEOWNERS',
    activity: 1.6,
  },
  {
    name: SPECIAL_REPOSITORIES.classic,
    ageDays: 1800,
    description: 'Customer-facing web application',
    language: 'TypeScript',
    area: 'frontend',
    codeowners: '.github/CODEOWNERS',
    extraChecks: [
      { kind: 'check-run', name: 'lint' },
      { kind: 'status', name: 'codecov/patch' },
    ],
    activity: 1.8,
  },
  {
    name: SPECIAL_REPOSITORIES.unprotected,
    ageDays: 1500,
    description: 'Public marketing website',
    language: 'JavaScript',
    area: 'frontend',
    visibility: 'public',
    protection: 'none',
    codeowners: 'docs/CODEOWNERS',
    activity: 0.7,
  },
  {
    name: SPECIAL_REPOSITORIES.mixed,
    ageDays: 1400,
    description: 'Deployment scripts and release tooling',
    language: 'Python',
    area: 'platform',
    protection: 'classic-with-bypass',
    codeowners: 'CODEOWNERS',
    deployKeys: [{ title: 'argo-cd', readOnly: true }],
    activity: 0.9,
  },
  {
    name: SPECIAL_REPOSITORIES.rulesetOnly,
    ageDays: 1300,
    description: 'Shared platform configuration and policies',
    language: 'HCL',
    area: 'platform',
    protection: 'org-ruleset',
    codeowners: 'CODEOWNERS',
    activity: 1,
  },
  {
    name: SPECIAL_REPOSITORIES.writeDeployKey,
    ageDays: 1100,
    description: 'Images and autoscaling for self-hosted CI runners',
    language: 'Shell',
    area: 'platform',
    codeowners: '.github/CODEOWNERS',
    deployKeys: [
      { title: 'release-publisher', readOnly: false },
      ...Array.from({ length: 21 }, (_, i) => ({ title: `runner-${String(i + 1).padStart(2, '0')}`, readOnly: true })),
    ],
    activity: 0.6,
  },
  {
    name: SPECIAL_REPOSITORIES.noCodeowners,
    ageDays: 900,
    description: 'Nightly ETL jobs into the warehouse',
    language: 'Python',
    area: 'data',
    requiredApprovals: 2,
    codeowners: null,
    activity: 1,
  },
  {
    name: SPECIAL_REPOSITORIES.securityOff,
    ageDays: 400,
    description: 'Model training experiments',
    language: 'Jupyter Notebook',
    area: 'data',
    codeowners: '.github/CODEOWNERS',
    dependabotAlerts: false,
    secretScanning: false,
    pushProtection: false,
    activity: 0.5,
  },
  {
    name: SPECIAL_REPOSITORIES.empty,
    ageDays: 3,
    description: 'Placeholder for the next service',
    language: null,
    area: 'backend',
    empty: true,
    codeowners: null,
    activity: 0,
    sizeKb: 0,
  },
];

const PREFIXES = [
  'billing',
  'identity',
  'search',
  'notifications',
  'inventory',
  'checkout',
  'analytics',
  'reporting',
  'catalog',
  'shipping',
  'auth',
  'gateway',
  'ledger',
  'pricing',
  'onboarding',
  'support',
  'fraud',
  'audit',
  'scheduler',
  'media',
  'recommendations',
  'loyalty',
  'tax',
  'subscriptions',
  'payroll',
];
const SUFFIXES = ['service', 'api', 'worker', 'ui', 'lib', 'jobs', 'sdk', 'docs', 'infra', 'proxy'];
const AREA_OF_SUFFIX: Record<string, Area> = {
  service: 'backend',
  api: 'backend',
  worker: 'backend',
  ui: 'frontend',
  lib: 'backend',
  jobs: 'data',
  sdk: 'frontend',
  docs: 'frontend',
  infra: 'platform',
  proxy: 'platform',
};
const LANGUAGES: Record<Area, string[]> = {
  backend: ['Go', 'Java', 'Kotlin', 'TypeScript'],
  frontend: ['TypeScript', 'JavaScript'],
  platform: ['HCL', 'Go', 'Shell'],
  data: ['Python', 'Scala'],
};
const PURPOSES: Record<string, string> = {
  service: 'service',
  api: 'public API',
  worker: 'background worker',
  ui: 'web interface',
  lib: 'shared library',
  jobs: 'batch jobs',
  sdk: 'client SDK',
  docs: 'documentation site',
  infra: 'infrastructure as code',
  proxy: 'edge proxy',
};

/** Pool names in an order fixed by the seed, then numbered variants once the pool runs out. */
function generatedNames(seed: number, count: number): string[] {
  const pool = PREFIXES.flatMap((p) => SUFFIXES.map((s) => `${p}-${s}`));
  pool.sort((a, b) => draw(seed, `repo-order:${a}`) - draw(seed, `repo-order:${b}`) || (a < b ? -1 : 1));
  const names: string[] = [];
  for (let i = 0; names.length < count; i++) {
    const base = pool[i % pool.length]!;
    const round = Math.floor(i / pool.length);
    names.push(round === 0 ? base : `${base}-${round + 1}`);
  }
  return names;
}

function deployKey(seed: number, repo: string, key: DeployKeyOverride, index: number, createdAt: number): DeployKeySpec {
  const material = Buffer.from(gitOid(seed, `deploy-key:${repo}:${key.title}`) + gitOid(seed, `deploy-key-2:${repo}:${key.title}`), 'hex')
    .subarray(0, 32)
    .toString('base64');
  return {
    ...key,
    id: 98_000_000 + between(seed, `deploy-key-id:${repo}`, 0, 900_000) * 10 + index,
    key: `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${material}`,
    createdAt: createdAt + between(seed, `deploy-key-age:${repo}:${key.title}`, 1, 200) * DAY_MS,
  };
}

/** A push 1–6 days before the history (an archived repository: up to 600), in working hours. */
function lastPushBefore(seed: number, name: string, historyStart: number, archived: boolean): number {
  const days = between(seed, `last-push:${name}`, 1, archived ? 600 : 6);
  return historyStart - days * DAY_MS + between(seed, `last-push-time:${name}`, 8 * 3600, 18 * 3600) * 1000;
}

/**
 * The first `count` repositories (at least the ten special ones): ids in creation order, every value
 * fixed by the seed. `historyStart` anchors the dates: everything is created before the history.
 */
export function buildRepositories(seed: number, count: number, historyStart: number): RepositorySpec[] {
  const generated = generatedNames(seed, Math.max(0, count - SPECIAL.length));
  const specs: (Overrides & { ageDays: number })[] = [
    ...SPECIAL,
    ...generated.map((name, i) => {
      const suffix = name.split('-')[1]!;
      const area = AREA_OF_SUFFIX[suffix] ?? 'backend';
      const prefix = name.split('-')[0]!;
      return {
        name,
        ageDays: 1600 - Math.floor((i * 1200) / Math.max(1, generated.length)),
        description: `${prefix[0]!.toUpperCase()}${prefix.slice(1)} ${PURPOSES[suffix] ?? 'service'}`,
        language: pick(LANGUAGES[area], draw(seed, `language:${name}`)),
        area,
        requiredApprovals: draw(seed, `approvals:${name}`) < 0.35 ? 2 : 1,
        codeowners: pick<CodeownersPath>(['.github/CODEOWNERS', '.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'], draw(seed, `codeowners:${name}`)),
        activity: 0.4 + draw(seed, `activity:${name}`) * 1.2,
      };
    }),
  ];
  return specs
    .sort((a, b) => b.ageDays - a.ageDays)
    .map((spec, index) => {
      const createdAt = historyStart - spec.ageDays * DAY_MS + between(seed, `created:${spec.name}`, 9 * 3600, 17 * 3600) * 1000;
      const base: RepositorySpec = {
        index,
        name: spec.name,
        id: 210_000_000 + index * 1_733_291 + between(seed, `repo-id:${spec.name}`, 0, 99_999),
        description: spec.description ?? '',
        language: spec.language === undefined ? 'Go' : spec.language,
        area: spec.area ?? 'backend',
        visibility: spec.visibility ?? 'private',
        archived: spec.archived ?? false,
        empty: spec.empty ?? false,
        defaultBranch: spec.defaultBranch ?? 'main',
        otherBranches: spec.otherBranches ?? [],
        createdAt,
        pushedBeforeHistory: spec.empty ? createdAt : Math.max(createdAt, lastPushBefore(seed, spec.name, historyStart, spec.archived ?? false)),
        protection: spec.protection ?? 'classic',
        requiredApprovals: spec.requiredApprovals ?? 1,
        requireCodeOwnerReviews: spec.requireCodeOwnerReviews ?? false,
        requireLastPushApproval: spec.requireLastPushApproval ?? false,
        extraChecks: spec.extraChecks ?? [],
        codeowners: spec.codeowners === undefined ? '.github/CODEOWNERS' : spec.codeowners,
        dependabotAlerts: spec.dependabotAlerts ?? true,
        secretScanning: spec.secretScanning ?? true,
        pushProtection: spec.pushProtection ?? true,
        deployKeys: [],
        activity: spec.activity ?? 1,
        sizeKb: spec.sizeKb ?? between(seed, `size:${spec.name}`, 800, 60_000),
      };
      base.deployKeys = (spec.deployKeys ?? []).map((key, i) => deployKey(seed, spec.name, key, i, createdAt));
      return base;
    });
}
