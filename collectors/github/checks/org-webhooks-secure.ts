// Organization webhooks deliver over HTTPS with TLS verified and a secret: their payloads carry repository
// and member data, and a receiver without the secret cannot tell a forged delivery.
import type { CheckDefinition } from '../../../src/collector.js';
import { evidenceOf, finding } from '../../../src/judging.js';
import { EVIDENCE } from '../schema.js';
import type { GitHubOptions, WebhookEvidence } from '../schema.js';

export const orgWebhooksSecure: CheckDefinition<GitHubOptions> = {
  id: 'github_org_webhooks_secure',
  title: 'Organization webhooks use HTTPS, verify TLS and sign deliveries',
  severity: 'medium',
  description:
    'Webhook payloads carry repository and member data. Fails for a webhook whose URL is not https, that delivers ' +
    'without verifying the certificate (insecure_ssl), or that has no secret (receivers cannot tell forged ' +
    'deliveries).',
  remediation: 'Edit the webhook: an https URL, SSL verification enabled, and a secret that the receiver checks.',
  resourceTypes: [EVIDENCE.webhook],
  evaluate(view) {
    return evidenceOf<WebhookEvidence>(view, EVIDENCE.webhook).map((hook) => {
      const { url, https, sslVerification, secretSet } = hook.data;
      const problems = [...(https ? [] : ['not https']), ...(sslVerification ? [] : ['SSL verification off']), ...(secretSet ? [] : ['no secret'])];
      return problems.length > 0
        ? finding(hook, 'fail', `Webhook ${hook.resourceId} to ${url}: ${problems.join(', ')}.`)
        : finding(hook, 'pass', `Webhook ${hook.resourceId} to ${url} uses https with SSL verification and a secret.`);
    });
  },
};
