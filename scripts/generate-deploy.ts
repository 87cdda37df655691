// `npm run generate:deploy`: writes deploy/aws/*.json from config/aws-*-policy.json (scripts/deploy-templates.ts).
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { deployTemplates } from './deploy-templates.js';

const root = resolve(import.meta.dirname, '..');
for (const [name, text] of Object.entries(deployTemplates(root))) {
  writeFileSync(join(root, 'deploy', 'aws', name), text);
  process.stdout.write(`wrote deploy/aws/${name}\n`);
}
