// deploy/: every manifest and template parsed and held to what the agent needs. The Kubernetes base:
// kinds, names and references that resolve, the restricted security context, the probes on the right
// endpoints, the shipped config valid for the agent, alerts and dashboard querying metrics the daemon
// serves. The CloudFormation templates: the policies are the collectors' shipped ones (config/ and the
// READMEs, one source), and a template older than a policy fails (npm run generate:deploy).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { builtinCollectors } from '../collectors/index.js';
import { deployTemplates, managementPolicies, shippedPolicies } from '../scripts/deploy-templates.js';
import { parseConfigText } from '../src/config/index.js';
import { DaemonMetrics } from '../src/daemon/metrics.js';
import type { EvidenceStore } from '../src/store/types.js';
import { parseExposition } from './helpers/prometheus-text.js';

const ROOT = join(import.meta.dirname, '..');
const K8S = join(ROOT, 'deploy', 'kubernetes');
const AWS = join(ROOT, 'deploy', 'aws');

type Doc = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; annotations?: Record<string, string>; labels?: Record<string, string> };
  [key: string]: unknown;
};
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

function manifests(): { file: string; doc: Doc }[] {
  return readdirSync(K8S)
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
    .flatMap((file) =>
      parseAllDocuments(readFileSync(join(K8S, file), 'utf8')).map((document) => {
        expect(document.errors, file).toEqual([]);
        return { file, doc: document.toJS() as Doc };
      }),
    );
}

const byKind = (kind: string) =>
  manifests()
    .filter((m) => m.doc.kind === kind)
    .map((m) => m.doc as Any);

/** Metric names the daemon serves (a fresh registry: every family is declared at start). */
async function servedMetrics(): Promise<Set<string>> {
  const store = { latestSnapshots: async () => [], stats: async () => ({ fileBytes: 0 }) } as unknown as EvidenceStore;
  const metrics = new DaemonMetrics(store, { version: 'test', collectors: ['aws-iam'], schedules: { 'aws-iam': 86_400 }, digestTargets: ['slack'] });
  await metrics.refresh();
  const names = new Set<string>();
  for (const family of parseExposition(await metrics.metrics()).values()) {
    names.add(family.name);
    if (family.type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${family.name}${suffix}`);
  }
  return names;
}

const metricNamesIn = (expr: string) => [...expr.matchAll(/\b((?:evidence_agent|process|nodejs)_[a-z0-9_]+)\b/g)].map((m) => m[1]!);

describe('the kustomize base', () => {
  it('parses, lists every manifest, and every resource has a kind and a name', () => {
    const kustomization = parseAllDocuments(readFileSync(join(K8S, 'kustomization.yaml'), 'utf8'))[0]!.toJS() as Any;
    expect(kustomization.kind).toBe('Kustomization');
    const files = readdirSync(K8S)
      .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
      .sort();
    expect([...kustomization.resources].sort()).toEqual(files);
    for (const generator of kustomization.configMapGenerator) for (const file of generator.files) readFileSync(join(K8S, String(file).split('=').pop()!));
    for (const { file, doc } of manifests()) {
      expect(doc.apiVersion, file).toMatch(/^[a-z0-9.]*\/?v\d+\w*$/);
      expect(doc.metadata?.name, file).toMatch(/^[a-z0-9-]+$/);
    }
    expect(
      manifests()
        .map((m) => m.doc.kind)
        .sort(),
    ).toEqual(['ConfigMap', 'Deployment', 'Namespace', 'PersistentVolumeClaim', 'PrometheusRule', 'Secret', 'Secret', 'Service', 'ServiceAccount']);
    expect(byKind('Namespace')[0].metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  it('runs one unprivileged, read-only pod with startup, liveness and readiness probes', () => {
    const deployment = byKind('Deployment')[0];
    const pod = deployment.spec.template.spec;
    const [container] = pod.containers;
    expect([deployment.spec.replicas, deployment.spec.strategy.type]).toEqual([1, 'Recreate']);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.ports).toEqual([{ name: 'http', containerPort: 9464 }]);
    expect(container.startupProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(60);
    expect(container.args).toEqual(['daemon']);
  });

  it('references only what the base defines: account, config, secrets and their keys, volume', () => {
    const pod = byKind('Deployment')[0].spec.template.spec;
    const [container] = pod.containers;
    const account = byKind('ServiceAccount')[0];
    expect(pod.serviceAccountName).toBe(account.metadata.name);
    expect(account.metadata.annotations['eks.amazonaws.com/role-arn']).toMatch(/^arn:aws:iam::\d{12}:role\//);
    const secrets = new Map(byKind('Secret').map((s: Any) => [s.metadata.name, Object.keys(s.stringData)]));
    for (const variable of container.env) {
      const ref = variable.valueFrom.secretKeyRef;
      expect(secrets.get(ref.name), variable.name).toContain(ref.key);
    }
    const volumes = new Map(pod.volumes.map((v: Any) => [v.name, v]));
    for (const mount of container.volumeMounts) expect(volumes.has(mount.name), mount.name).toBe(true);
    expect((volumes.get('config') as Any).configMap.name).toBe(byKind('ConfigMap')[0].metadata.name);
    expect(secrets.has((volumes.get('secrets') as Any).secret.secretName)).toBe(true);
    expect((volumes.get('data') as Any).persistentVolumeClaim.claimName).toBe(byKind('PersistentVolumeClaim')[0].metadata.name);
    expect(container.volumeMounts.find((m: Any) => m.name === 'config')).toMatchObject({ mountPath: '/config', readOnly: true });
    const service = byKind('Service')[0];
    expect(service.spec.selector).toEqual(byKind('Deployment')[0].spec.selector.matchLabels);
  });

  it('ships a config the agent accepts, with the secret files where the pod mounts them', () => {
    const text = byKind('ConfigMap')[0].data['evidence-agent.yaml'] as string;
    const config = parseConfigText(text, 'configmap.yaml', builtinCollectors, {
      EXTERNAL_ID: 'ext-1234',
      SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/X',
    });
    expect(config.http.host).toBe('0.0.0.0');
    expect(config.store.path).toBe('/data/evidence.db');
    expect(config.signing?.privateKeyPath).toMatch(/^\/run\/secrets\//);
    const files = byKind('Secret').find((s: Any) => s.metadata.name === 'evidence-agent-files').stringData;
    expect(Object.keys(files)).toContain(config.signing!.privateKeyPath!.replace('/run/secrets/', ''));
    expect(config.http.allowedHosts).toContain(`${byKind('Service')[0].metadata.name}.evidence-agent.svc`);
  });

  it('alerts on failed runs, stale evidence, missed schedules, undelivered digests, using metrics the daemon serves', async () => {
    const served = await servedMetrics();
    const rules = byKind('PrometheusRule')[0].spec.groups.flatMap((g: Any) => g.rules);
    expect(rules.map((r: Any) => r.alert)).toEqual([
      'EvidenceAgentRunFailed',
      'EvidenceAgentEvidenceStale',
      'EvidenceAgentScheduleMissed',
      'EvidenceAgentDigestNotDelivered',
      'EvidenceAgentDown',
    ]);
    for (const rule of rules) {
      const names = metricNamesIn(rule.expr);
      expect(names.length, rule.alert).toBeGreaterThan(0);
      for (const name of names) expect(served.has(name), `${rule.alert}: ${name}`).toBe(true);
      expect(rule.labels.severity).toMatch(/^(warning|critical)$/);
      expect(rule.annotations.summary).toBeTruthy();
      expect(rule.expr).not.toMatch(/\bjob=/);
    }
  });

  it('has a Grafana dashboard whose every query uses a metric the daemon serves', async () => {
    const served = await servedMetrics();
    const dashboard = JSON.parse(readFileSync(join(K8S, 'grafana-dashboard.json'), 'utf8')) as Any;
    expect(dashboard.uid).toBe('evidence-agent');
    const exprs = dashboard.panels.flatMap((p: Any) => p.targets.map((t: Any) => t.expr as string));
    expect(exprs.length).toBeGreaterThan(5);
    for (const expr of exprs) for (const name of metricNamesIn(expr)) expect(served.has(name), name).toBe(true);
  });
});

describe('the CloudFormation templates', () => {
  const policies = shippedPolicies(ROOT);
  const template = (name: string) => JSON.parse(readFileSync(join(AWS, name), 'utf8')) as Any;
  const policiesOf = (role: Any) =>
    Object.fromEntries(role.Properties.Policies.map((p: Any) => [p.PolicyName.replace('evidence-agent-', ''), p.PolicyDocument]));

  it('are what scripts/deploy-templates.ts makes of the policies today (npm run generate:deploy)', () => {
    const expected = deployTemplates(ROOT);
    expect(
      readdirSync(AWS)
        .filter((f) => f.endsWith('.json'))
        .sort(),
    ).toEqual(Object.keys(expected).sort());
    for (const [name, text] of Object.entries(expected)) {
      expect(readFileSync(join(AWS, name), 'utf8') === text, `deploy/aws/${name} is older than config/aws-*-policy.json: run npm run generate:deploy`).toBe(
        true,
      );
    }
  });

  it("give the reader role exactly the collectors' shipped policies, trusting one principal with an external id", () => {
    expect(policies.map((p) => p.collector)).toEqual(['aws-cloudtrail', 'aws-iam']);
    expect(managementPolicies(ROOT).map((p) => p.collector)).toEqual(['aws-cloudtrail', 'aws-iam', 'aws-organization', 'organization-discovery']);
    for (const [name, shipped] of [
      ['reader-role.json', policies],
      ['management-account-reader.json', managementPolicies(ROOT)],
    ] as const) {
      const t = template(name);
      expect(t.AWSTemplateFormatVersion).toBe('2010-09-09');
      const role = t.Resources.ReaderRole;
      expect(role.Type).toBe('AWS::IAM::Role');
      expect(policiesOf(role)).toEqual(Object.fromEntries(shipped.map((p) => [p.collector, p.document])));
      expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
        {
          Effect: 'Allow',
          Principal: { AWS: { Ref: 'AgentPrincipalArn' } },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } } },
        },
      ]);
      expect(t.Parameters.ExternalId.NoEcho).toBe(true);
      expect(t.Outputs.RoleArn.Value).toEqual({ 'Fn::GetAtt': ['ReaderRole', 'Arn'] });
    }
  });

  it('deploy the same role to every account of an organisation through a service-managed StackSet', () => {
    const stackSet = template('organization-stackset.json').Resources.ReaderRoleStackSet;
    expect(stackSet.Type).toBe('AWS::CloudFormation::StackSet');
    expect(stackSet.Properties).toMatchObject({
      PermissionModel: 'SERVICE_MANAGED',
      AutoDeployment: { Enabled: true },
      Capabilities: ['CAPABILITY_NAMED_IAM'],
    });
    const inner = JSON.parse(stackSet.Properties.TemplateBody as string) as Any;
    expect(policiesOf(inner.Resources.ReaderRole)).toEqual(policiesOf(template('reader-role.json').Resources.ReaderRole));
    const passed = stackSet.Properties.Parameters.map((p: Any) => p.ParameterKey).sort();
    expect(passed).toEqual(Object.keys(inner.Parameters).sort());
  });

  it("ship the policies the collectors' READMEs show and declare (one source)", () => {
    for (const { collector, document } of policies) {
      const readme = readFileSync(join(ROOT, 'collectors', collector, 'README.md'), 'utf8');
      const section = readme.slice(readme.indexOf('## Least-privilege permissions'));
      const block = /```json\n([\s\S]*?)```/.exec(section)![1]!;
      expect(JSON.parse(block), `collectors/${collector}/README.md`).toEqual(document);
      const actions = (document as Any).Statement.flatMap((s: Any) => s.Action).sort();
      expect(actions).toEqual([...builtinCollectors.find((c) => c.id === collector)!.permissions].sort());
    }
  });
});
