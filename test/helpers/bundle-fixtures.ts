// A store holding what a real one does for two days (IAM users, one without MFA; CloudTrail IAM events
// from the LookupEvents fixture; merged GitHub pull requests and a direct push), its signed bundle, and
// the steps of someone editing a bundle: unpack, change, fix the manifest and SHA256SUMS, re-sign, repack.
import { sign } from 'node:crypto';
import { mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Event } from '@aws-sdk/client-cloudtrail';
import { builtinCollectors } from '../../collectors/index.js';
import { eventItem } from '../../collectors/aws-cloudtrail/event-reads.js';
import { loadFrameworks } from '../../src/agent.js';
import { listFiles, packDirectory, unpackArchive } from '../../src/bundle/archive.js';
import { exportBundle } from '../../src/bundle/export.js';
import type { ExportResult } from '../../src/bundle/export.js';
import { loadPrivateKey } from '../../src/bundle/signing.js';
import type { EventItem } from '../../src/collector.js';
import { sha256Hex } from '../../src/canonical.js';
import type { EvidenceStore } from '../../src/store/types.js';
import { finding, okOutcome, runStart, userEvidence } from './store-fixtures.js';

export const ACCOUNT = '111122223333';
export const ORG = 'example-co';
export const PERIOD = { from: '2026-01-10', to: '2026-01-11' };

type RawEvent = Omit<Event, 'EventTime'> & { EventTime: number; CloudTrailEvent: string };

/** The IAM events of the LookupEvents fixture, stored as the CloudTrail collector stores them. */
export function cloudTrailEvents(): EventItem[] {
  const fixture = JSON.parse(readFileSync(new URL('../fixtures/aws-cloudtrail/lookup-events-iam-source.json', import.meta.url), 'utf8')) as {
    Events: RawEvent[];
  };
  return fixture.Events.map((raw) => eventItem({ ...raw, EventTime: new Date(raw.EventTime * 1000) }, 'us-east-1'));
}

/** A merged pull request with its reviews and checks, and a direct push, as the GitHub collector stores them. */
export function gitHubEvents(): EventItem[] {
  const pullRequest = {
    repository: 'payments',
    number: 42,
    title: 'Rotate the webhook signing secret',
    url: `https://github.com/${ORG}/payments/pull/42`,
    author: 'alice',
    mergedBy: 'bob',
    mergedAt: '2026-01-10T12:00:00Z',
    baseRef: 'main',
    headSha: 'a'.repeat(40),
    mergeCommitSha: 'b'.repeat(40),
    reviewDecision: 'APPROVED',
    reviews: [{ state: 'APPROVED', author: 'bob', submittedAt: '2026-01-10T11:00:00Z', commit: 'a'.repeat(40) }],
    reviewsTruncated: false,
    lastCommit: { sha: 'a'.repeat(40), committedAt: '2026-01-10T10:00:00Z' },
    checks: { state: 'SUCCESS', contexts: [{ name: 'ci/build', kind: 'check-run', result: 'success' }], truncated: false },
    requiredChecks: ['ci/build'],
    protectionBypassed: false,
  };
  const push = {
    repository: 'payments',
    branch: 'main',
    sha: 'c'.repeat(40),
    committedAt: '2026-01-10T15:00:00Z',
    headline: 'Hotfix',
    author: 'carol',
    committer: 'carol',
  };
  return [
    {
      type: 'github.pull-request',
      eventId: `${ORG}/payments#42`,
      occurredAt: '2026-01-10T12:00:00.000Z',
      partition: 'merged-pull-requests',
      schemaVersion: 1,
      data: pullRequest,
    },
    {
      type: 'github.commit',
      eventId: `${ORG}/payments@${'c'.repeat(40)}`,
      occurredAt: '2026-01-10T15:00:00.000Z',
      partition: 'default-branch-commits',
      schemaVersion: 1,
      data: push,
    },
  ];
}

const at = (day: number, hour: number, minute = 0) => new Date(Date.UTC(2026, 0, 10 + day, hour, minute));

/** Two days of aws-iam, aws-cloudtrail and github runs (alice has no MFA on both days). */
export async function fillStore(store: EvidenceStore): Promise<void> {
  for (const day of [0, 1]) {
    const iam = await store.startRun(runStart(at(day, 6)));
    await store.finishRun(
      iam,
      okOutcome(
        at(day, 6, 5),
        [userEvidence('alice', { mfaActive: false }), userEvidence('bob', { mfaActive: true })],
        [finding('alice', 'fail'), finding('bob', 'pass')],
      ),
    );
    const windowOf = (partition: string) => ({ partition, from: at(day - 1, 20).toISOString(), to: at(day, 20).toISOString(), complete: true });
    const trail = await store.startRun(runStart(at(day, 20), { collector: 'aws-cloudtrail' }));
    await store.finishRun(trail, okOutcome(at(day, 20, 5), [], [], { events: day === 0 ? cloudTrailEvents() : [], windows: [windowOf('us-east-1')] }));
    const github = await store.startRun(runStart(at(day, 20, 30), { collector: 'github', scope: ORG }));
    await store.finishRun(
      github,
      okOutcome(at(day, 20, 35), [], [], {
        events: day === 0 ? gitHubEvents() : [],
        windows: [windowOf('merged-pull-requests'), windowOf('default-branch-commits')],
      }),
    );
  }
}

export async function exportPeriod(store: EvidenceStore, privateKeyPem: string, out: string): Promise<ExportResult> {
  return exportBundle(store, {
    ...PERIOD,
    timeZone: 'UTC',
    frameworks: loadFrameworks().frameworks,
    collectors: builtinCollectors,
    cadenceDays: () => 1,
    signingKey: loadPrivateKey(privateKeyPem, 'test key'),
    agentVersion: '0.0.0-test',
    out,
  });
}

/** A bundle unpacked into a fresh directory, to be edited. */
export async function unpacked(bundle: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'evidence-agent-forge-'));
  await unpackArchive(bundle, dir);
  return dir;
}

/** Replaces a file's text; an edit that changes nothing is a broken test. */
export function editFile(dir: string, file: string, edit: (text: string) => string): void {
  const before = readFileSync(join(dir, file), 'utf8');
  const after = edit(before);
  if (after === before) throw new Error(`the edit changed nothing in ${file}`);
  writeFileSync(join(dir, file), after);
}

/** Renames a content-addressed file after its new content (as a careful forger would), returning the new name. */
export function renameToContent(dir: string, file: string): string {
  const body = readFileSync(join(dir, file)).toString('utf8').replace(/\n$/, '');
  const renamed = file.replace(/[0-9a-f]{64}/, sha256Hex(body));
  renameSync(join(dir, file), join(dir, renamed));
  return renamed;
}

/** What the forger does after editing: every file's entry in manifest.json fixed, the manifest signed, SHA256SUMS redone. */
export function resign(dir: string, privateKeyPem: string, editManifest: (manifest: Record<string, unknown>) => void = () => {}): void {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown> & {
    files: { path: string; sha256: string; size: number }[];
  };
  const unlisted = new Set(['manifest.json', 'manifest.sig', 'SHA256SUMS']);
  manifest.files = listFiles(dir)
    .filter((path) => !unlisted.has(path))
    .map((path) => {
      const bytes = readFileSync(join(dir, path));
      return { path, sha256: sha256Hex(bytes), size: bytes.length };
    });
  editManifest(manifest);
  const bytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(dir, 'manifest.json'), bytes);
  writeFileSync(join(dir, 'manifest.sig'), `${sign(null, bytes, loadPrivateKey(privateKeyPem, 'forger')).toString('base64')}\n`);
  const sums = listFiles(dir)
    .filter((path) => path !== 'SHA256SUMS')
    .map((path) => `${sha256Hex(readFileSync(join(dir, path)))}  ${path}`);
  writeFileSync(join(dir, 'SHA256SUMS'), `${sums.join('\n')}\n`);
}

/** Packed again as plain files, no directory entries (what `tar` with a file list does). */
export async function repack(dir: string, out: string): Promise<string> {
  await packDirectory(dir, out, new Date(0));
  return out;
}
