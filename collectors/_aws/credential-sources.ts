// Where the AWS SDK's default chain would find credentials, as far as can be told without a network
// call (an EC2 instance role cannot be seen this way).
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export function awsCredentialSources(env: NodeJS.ProcessEnv, home: string = env.HOME ?? homedir()): string[] {
  const sources: string[] = [];
  for (const name of [
    'AWS_ACCESS_KEY_ID',
    'AWS_PROFILE',
    'AWS_WEB_IDENTITY_TOKEN_FILE',
    'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
    'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  ]) {
    if (env[name]) sources.push(name);
  }
  const files = [env.AWS_SHARED_CREDENTIALS_FILE ?? join(home, '.aws', 'credentials'), env.AWS_CONFIG_FILE ?? join(home, '.aws', 'config')];
  for (const file of files) if (existsSync(file)) sources.push(file);
  return sources;
}
