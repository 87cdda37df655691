// Options of the aws-organization collector (its section of the config) and the shapes of the evidence
// it stores: the organisation's structure (roots, OUs, accounts), its service control policies, the
// organisation trails, and IAM Identity Center (permission sets, account assignments, users, groups).
import { z } from 'zod';
import { accountsSchema, regionSchema } from '../_aws/account.js';
import type { EvidenceItem, ResourceError } from '../../src/collector.js';

/** The actions an SCP must deny in every member account by default: leaving the organisation, silencing CloudTrail. */
export const DEFAULT_DENIED_ACTIONS = ['organizations:LeaveOrganization', 'cloudtrail:StopLogging', 'cloudtrail:DeleteTrail'] as const;
/** Added when `scp.guardDuty` is on: the calls that switch GuardDuty off or detach it from its administrator. */
export const GUARDDUTY_ACTIONS = [
  'guardduty:DeleteDetector',
  'guardduty:DisassociateFromAdministratorAccount',
  'guardduty:DisassociateFromMasterAccount',
] as const;
/** Added when `scp.config` is on: the calls that stop AWS Config recording or delivering. */
export const CONFIG_ACTIONS = ['config:StopConfigurationRecorder', 'config:DeleteConfigurationRecorder', 'config:DeleteDeliveryChannel'] as const;

const ACTION = /^[a-z0-9-]+:[A-Za-z0-9*?]+$/;

export const identityCenterSchema = z.strictObject({
  /** false skips the Identity Center and Identity Store reads (and their permissions); its checks then judge nothing. */
  enabled: z.boolean().default(true),
  /** The region of the Identity Center instance (Identity Center is regional). Left out: the collector's `region`. */
  region: regionSchema.optional(),
  /**
   * Groups (display-name globs, `*` any run of characters) that may be assigned an admin-equivalent permission
   * set (AdministratorAccess, or an inline policy allowing every action on every resource).
   */
  adminGroups: z.array(z.string().min(1)).default([]),
  /** Permission sets (name globs) to treat as admin-equivalent besides those the collector recognises. */
  adminPermissionSets: z.array(z.string().min(1)).default([]),
  /** true: access is given to groups; an assignment to an individual user fails unless the user is in `userAssignmentAllowList`. */
  requireGroupAssignments: z.boolean().default(true),
  /** User names (globs) that may hold assignments of their own (a break-glass user). */
  userAssignmentAllowList: z.array(z.string().min(1)).default([]),
  /**
   * Longest session a permission set may grant, in hours. Identity Center's default is 1 hour and its
   * maximum 12; NIST SP 800-63B (AAL2) asks for re-authentication at least every 12 hours. 8 hours is one
   * working day: a person signs in again each day, and a stolen session is usable for a day at most.
   */
  maxSessionHours: z.number().min(1).max(12).default(8),
});

export const scpSchema = z.strictObject({
  /** Actions an SCP must deny (Deny on Resource "*") for every member account; defaults to DEFAULT_DENIED_ACTIONS. */
  requiredDeniedActions: z.array(z.string().regex(ACTION, 'expected an IAM action such as cloudtrail:StopLogging')).default(() => [...DEFAULT_DENIED_ACTIONS]),
  /** Also require the GuardDuty actions (GUARDDUTY_ACTIONS) to be denied. */
  guardDuty: z.boolean().default(false),
  /** Also require the AWS Config actions (CONFIG_ACTIONS) to be denied. */
  config: z.boolean().default(false),
});

export const awsOrganizationOptionsSchema = z.strictObject({
  enabled: z.boolean().default(true),
  schedule: z.string().optional(),
  timeoutSeconds: z.number().int().min(10).max(86_400).default(1800),
  /**
   * The management account (or the delegated administrator of Organizations and Identity Center): one
   * entry, as in aws-iam. An empty entry means the account of the default credential chain.
   */
  accounts: accountsSchema,
  /** Region of the STS client and of DescribeTrails (Organizations itself is global). */
  region: regionSchema.default('us-east-1'),
  identityCenter: identityCenterSchema.default(() => identityCenterSchema.parse({})),
  scp: scpSchema.default(() => scpSchema.parse({})),
  /** Read the organisation trails (DescribeTrails in the management account); false skips the trail check's evidence. */
  organizationTrail: z.boolean().default(true),
  /** Read Identity Center and Organizations changes from CloudTrail event history (the access-change population). */
  events: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** First read (no watermark): this many days back (1-90; LookupEvents keeps 90). */
      backfillDays: z.number().int().min(1).max(90).default(90),
    })
    .default({ enabled: true, backfillDays: 90 }),
});

export type AwsOrganizationOptions = z.infer<typeof awsOrganizationOptionsSchema>;

/** The actions the SCP check requires denied under these options, in order, once each. */
export function requiredDeniedActions(scp: AwsOrganizationOptions['scp']): string[] {
  return [...new Set([...scp.requiredDeniedActions, ...(scp.guardDuty ? GUARDDUTY_ACTIONS : []), ...(scp.config ? CONFIG_ACTIONS : [])])];
}

// ---- Evidence types --------------------------------------------------------------------------

export const EVIDENCE_SCHEMA_VERSION = 1;

export const EVIDENCE = {
  organization: 'aws.organization.organization',
  root: 'aws.organization.root',
  ou: 'aws.organization.ou',
  account: 'aws.organization.account',
  /** A service control policy with its document and targets. */
  scp: 'aws.organization.scp',
  /** An organisation trail as the management account lists it (resource errors: the trails could not be read). */
  trail: 'aws.organization.trail',
  instance: 'aws.organization.identity-center-instance',
  permissionSet: 'aws.organization.permission-set',
  /** One per (account, permission set, principal). */
  assignment: 'aws.organization.account-assignment',
  user: 'aws.organization.identity-store-user',
  group: 'aws.organization.identity-store-group',
} as const;

/** Event type of the stored CloudTrail records (Identity Center, Identity Store, Organizations writes). */
export const EVENT_TYPE = 'aws.organization.event';
export const EVENT_SCHEMA_VERSION = 1;

/** A policy document as JSON. */
export interface PolicyStatement {
  Sid?: string;
  Effect?: string;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, unknown>;
}
export interface PolicyDocument {
  Version?: string;
  Statement?: PolicyStatement | PolicyStatement[];
}

/** `aws.organization.organization` (resourceId = organisation ARN). */
export interface OrganizationEvidence {
  id: string;
  arn: string;
  featureSet: string;
  managementAccountId: string;
  /** The account collected: the management account, or a delegated administrator. */
  collectedFrom: string;
}

/** `aws.organization.root` (resourceId = root ARN). */
export interface RootEvidence {
  id: string;
  arn: string;
  name: string;
  /** Policy types and whether each is ENABLED on the root, by type. */
  policyTypes: { type: string; status: string }[];
}

/** `aws.organization.ou` (resourceId = OU ARN). */
export interface OuEvidence {
  id: string;
  arn: string;
  name: string;
  parentId: string;
  /** Ids from the root down to the OU's parent. */
  path: string[];
}

/** `aws.organization.account` (resourceId = account ARN). No e-mail address: not needed by any check. */
export interface AccountEvidence {
  accountId: string;
  arn: string;
  name: string;
  /** ACTIVE, SUSPENDED, PENDING_CLOSURE (Status; State where the API gives it). */
  status: string;
  joinedMethod: string | null;
  joinedAt: string | null;
  parentId: string;
  /** Ids from the root down to the account's parent OU. */
  path: string[];
  management: boolean;
}

export interface PolicyTarget {
  targetId: string;
  type: string;
  name: string;
}

/** `aws.organization.scp` (resourceId = policy ARN). */
export interface ScpEvidence {
  id: string;
  arn: string;
  name: string;
  description: string;
  awsManaged: boolean;
  document: PolicyDocument;
  targets: PolicyTarget[];
}

/** `aws.organization.trail` (resourceId = trail ARN): an organisation trail and whether it is logging. */
export interface OrganizationTrailEvidence {
  arn: string;
  name: string;
  homeRegion: string;
  multiRegion: boolean;
  /** null when GetTrailStatus could not be read (the check then cannot say it logs). */
  isLogging: boolean | null;
  statusError: string | null;
}

/**
 * `aws.organization.identity-center-instance` (resourceId = resourceIds.identityCenter): the Identity Center
 * instances of the region (ListInstances); none means Identity Center is not enabled there.
 */
export interface InstanceEvidence {
  region: string;
  instances: { instanceArn: string; identityStoreId: string; ownerAccountId: string | null; name: string | null; status: string | null }[];
}

/** `aws.organization.permission-set` (resourceId = permission set ARN). */
export interface PermissionSetEvidence {
  instanceArn: string;
  arn: string;
  name: string;
  description: string | null;
  /** ISO 8601 duration as Identity Center stores it (PT8H); null when the reply has none (Identity Center's default: PT1H). */
  sessionDuration: string | null;
  managedPolicies: { name: string; arn: string }[];
  customerManagedPolicies: { name: string; path: string }[];
  /** The inline policy, parsed; null when it has none. */
  inlinePolicy: PolicyDocument | null;
  /** Accounts the permission set is provisioned to, sorted. */
  provisionedAccounts: string[];
}

/** `aws.organization.account-assignment` (resourceId = resourceIds.assignment). */
export interface AssignmentEvidence {
  instanceArn: string;
  accountId: string;
  permissionSetArn: string;
  permissionSetName: string;
  principalType: string;
  principalId: string;
  /** The user name or group display name in the identity store; null when it is not there. */
  principalName: string | null;
}

/** `aws.organization.identity-store-user` (resourceId = resourceIds.user). No e-mail, phone or address. */
export interface UserEvidence {
  identityStoreId: string;
  userId: string;
  userName: string;
  displayName: string | null;
  /** ENABLED / DISABLED when the identity store reports it, else null. */
  status: string | null;
  /** The IdP identities it is linked to (SCIM), as issuer:id. */
  externalIds: string[];
}

/** `aws.organization.identity-store-group` (resourceId = resourceIds.group). */
export interface GroupEvidence {
  identityStoreId: string;
  groupId: string;
  displayName: string;
  description: string | null;
  externalIds: string[];
  /** Members (users) by id, with their user names where known, sorted by id. */
  members: { userId: string; userName: string | null }[];
}

export const resourceIds = {
  /** Where a part of the organisation could not be read: one resource per part. */
  part: (partition: string, accountId: string, part: string) => `arn:${partition}:organizations::${accountId}:${part}`,
  identityCenter: (partition: string, accountId: string, region: string) => `arn:${partition}:sso:${region}:${accountId}:identity-center`,
  user: (partition: string, identityStoreId: string, userId: string) => `arn:${partition}:identitystore:::identitystore/${identityStoreId}/user/${userId}`,
  group: (partition: string, identityStoreId: string, groupId: string) => `arn:${partition}:identitystore:::identitystore/${identityStoreId}/group/${groupId}`,
  assignment: (permissionSetArn: string, accountId: string, principalType: string, principalId: string) =>
    `${permissionSetArn}/account/${accountId}/${principalType.toLowerCase()}/${principalId}`,
};

export interface Built {
  evidence: EvidenceItem[];
  errors: ResourceError[];
}

export function evidenceItem(type: string, resourceId: string, data: unknown): EvidenceItem {
  return { type, resourceId, schemaVersion: EVIDENCE_SCHEMA_VERSION, data };
}
