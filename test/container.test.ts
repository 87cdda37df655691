// The image as the Dockerfile builds it (no Docker engine runs the tests): the CLI on PATH as
// `evidence-agent`, the operator's config mounted and never copied in, the SBOM made by `npm sbom` in the
// build and shipped, a HEALTHCHECK that runs the light `healthcheck` command, an unprivileged user.
// .ci/production-install runs the same steps on a real install and times the healthcheck.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

interface Instruction {
  op: string;
  args: string;
}

/** The Dockerfile's instructions by stage (continuation lines joined, comments dropped). */
function stages(text: string): Instruction[][] {
  const logical = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const result: Instruction[][] = [];
  for (const line of logical) {
    const [, op, args] = /^(\S+)\s*(.*)$/.exec(line)!;
    if (op!.toUpperCase() === 'FROM') result.push([]);
    result.at(-1)!.push({ op: op!.toUpperCase(), args: args! });
  }
  return result;
}

const ROOT = join(import.meta.dirname, '..');
const dockerfile = stages(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
const build = dockerfile[0]!;
const runtime = dockerfile.at(-1)!;
const of = (stage: Instruction[], op: string) => stage.filter((i) => i.op === op).map((i) => i.args);
const execForm = (args: string) => JSON.parse(args) as string[];

/** What .dockerignore lets into the build context, for a path (the last matching rule wins, as Docker reads it). */
function inContext(path: string): boolean {
  const rules = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  let included = true;
  for (const rule of rules) {
    const negated = rule.startsWith('!');
    const pattern = negated ? rule.slice(1) : rule;
    const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}(/.*)?$`);
    if (regex.test(path)) included = negated;
  }
  return included;
}

describe('the container image (Dockerfile)', () => {
  it('has a build stage and a runtime stage on a supported Node.js', () => {
    expect(dockerfile).toHaveLength(2);
    for (const stage of dockerfile) expect(of(stage, 'FROM')[0]).toMatch(/^node:22-/);
  });

  it('puts the CLI on PATH as evidence-agent and runs it by that name', () => {
    expect(of(runtime, 'RUN').some((run) => /ln -s \/app\/dist\/src\/cli\.js \/usr\/local\/bin\/evidence-agent\b/.test(run))).toBe(true);
    expect(execForm(of(runtime, 'ENTRYPOINT')[0]!)).toEqual(['evidence-agent']);
    expect(execForm(of(runtime, 'CMD')[0]!)).toEqual(['daemon']);
    // The link's target is executable and starts with a shebang (the build makes it so).
    expect(readFileSync(join(ROOT, 'src/cli.ts'), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.build).toContain("chmodSync('dist/src/cli.js', 0o755)");
  });

  it("mounts the config and never copies the operator's: no config directory copied, no config file in the build context", () => {
    for (const stage of dockerfile) {
      for (const copy of of(stage, 'COPY')) {
        const sources = copy
          .split(/\s+/)
          .filter((a) => !a.startsWith('--'))
          .slice(0, -1);
        for (const source of sources) expect(source, copy).not.toMatch(/^(\.\/)?config\/?$|evidence-agent\.ya?ml|^\.$/);
      }
    }
    expect(of(runtime, 'ENV').join(' ')).toContain('EVIDENCE_AGENT_CONFIG=/config/evidence-agent.yaml');
    expect(inContext('config/evidence-agent.yaml')).toBe(false);
    expect(inContext('config/prod.yaml')).toBe(false);
    expect(inContext('config/aws-iam-policy.json')).toBe(true);
    expect(inContext('config/example.yaml')).toBe(true);
  });

  it('makes the SBOM with npm sbom (CycloneDX, from the lockfile) in the build and ships it', () => {
    const made = of(build, 'RUN').find((run) => run.includes('npm sbom'));
    expect(made).toMatch(/npm sbom --sbom-format cyclonedx --package-lock-only > sbom\.cdx\.json/);
    // After the build's prune: the SBOM describes the tree the runtime stage copies.
    expect(of(build, 'RUN').findIndex((run) => run.includes('npm prune --omit=dev'))).toBeLessThan(of(build, 'RUN').indexOf(made!));
    expect(of(runtime, 'COPY')).toContain('--from=build /src/sbom.cdx.json ./sbom.cdx.json');
  });

  it('checks health with the light healthcheck command, as an unprivileged user', () => {
    const healthcheck = of(runtime, 'HEALTHCHECK')[0]!;
    const [, options, command] = /^(.*?)CMD\s+(\[.*\])$/.exec(healthcheck)!;
    expect(execForm(command!)).toEqual(['evidence-agent', 'healthcheck']);
    expect(options).toMatch(/--timeout=\d+s/);
    expect(of(runtime, 'USER')).toEqual(['node']);
  });
});
