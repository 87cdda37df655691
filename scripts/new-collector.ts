// `npm run new-collector <id>`: scaffolds a collector from collectors/_template/ (a working one: a JSON
// endpoint and an MFA check), its test and fixture folder, registers it in collectors/index.ts and maps
// its check in mappings/, so the contract test passes as generated. Then make it read your source.
import { cpSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const COLLECTOR_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** The template's names and what each becomes for `id`. */
function renames(id: string): [string, string][] {
  const words = id.split('-');
  const camel = words.map((w, i) => (i === 0 ? w : w[0]!.toUpperCase() + w.slice(1))).join('');
  const snake = words.join('_');
  return [
    ['template-source', id],
    ['template_source', snake],
    ['TEMPLATE_SOURCE', snake.toUpperCase()],
    ['templateSource', camel],
    ['TemplateSource', camel[0]!.toUpperCase() + camel.slice(1)],
    ['_template', id],
  ];
}

function renamed(text: string, id: string): string {
  return renames(id).reduce((out, [from, to]) => out.replaceAll(from, to), text);
}

/** Copies a file or folder with every template name replaced, in names and contents. */
function copyRenamed(from: string, to: string, id: string): string[] {
  if (existsSync(to)) throw new Error(`${to} already exists: choose another id or remove it`);
  cpSync(from, to, { recursive: true });
  const written: string[] = [];
  const visit = (path: string) => {
    if (statSync(path).isDirectory()) {
      for (const name of readdirSync(path)) visit(join(path, name));
      return;
    }
    writeFileSync(path, renamed(readFileSync(path, 'utf8'), id));
    written.push(path);
  };
  visit(to);
  return written;
}

/** Adds the import and the entry to collectors/index.ts, both kept in id order. */
function register(indexFile: string, id: string): void {
  const text = readFileSync(indexFile, 'utf8');
  const importLine = /^import \{ (\w+) \} from '\.\/([a-z0-9-]+)\/index\.js';$/gm;
  const entries = [...text.matchAll(importLine)].map((m) => ({ name: m[1]!, folder: m[2]! }));
  if (entries.length === 0) throw new Error(`${indexFile}: found no collector imports to add to`);
  const name = renames(id).find(([from]) => from === 'templateSource')![1];
  entries.push({ name, folder: id });
  entries.sort((a, b) => (a.folder < b.folder ? -1 : 1));
  const imports = entries.map((e) => `import { ${e.name} } from './${e.folder}/index.js';`).join('\n');
  const list = entries.map((e) => `  ${e.name},`).join('\n');
  const firstImport = text.search(importLine);
  const lastImportEnd = [...text.matchAll(importLine)].at(-1)!;
  const end = lastImportEnd.index + lastImportEnd[0].length;
  let out = `${text.slice(0, firstImport)}${imports}${text.slice(end)}`;
  out = out.replace(
    /(export const builtinCollectors[^=]*= \[\n)([\s\S]*?)(\n\];)/,
    (_, open: string, _body: string, close: string) => `${open}${list}${close}`,
  );
  writeFileSync(indexFile, out);
}

/** Appends the check's mapping entry to a mapping file whose last section is `mappings:`. */
function addMapping(file: string, checkId: string, controls: string[], rationale: string): void {
  const text = readFileSync(file, 'utf8');
  const lastTopLevel = [...text.matchAll(/^([a-z]+):/gm)].at(-1)?.[1];
  if (lastTopLevel !== 'mappings') throw new Error(`${file}: expected mappings: to be the last section; add the entry for ${checkId} by hand`);
  writeFileSync(file, `${text.replace(/\n*$/, '\n')}  - check: ${checkId}\n    controls: [${controls.join(', ')}]\n    rationale: ${rationale}\n`);
}

/** Scaffolds collector `id` into the project at `root`; returns the files written or changed. */
export function scaffoldCollector(root: string, id: string): string[] {
  if (!COLLECTOR_ID.test(id)) throw new Error(`"${id}" is not a collector id: use kebab-case, e.g. acme-hr`);
  if (existsSync(join(root, 'collectors', id))) throw new Error(`collectors/${id}/ already exists`);
  const written = [
    ...copyRenamed(join(root, 'collectors', '_template'), join(root, 'collectors', id), id),
    ...copyRenamed(join(root, 'test', 'collectors', '_template.test.ts'), join(root, 'test', 'collectors', `${id}.test.ts`), id),
    ...copyRenamed(join(root, 'test', 'fixtures', '_template'), join(root, 'test', 'fixtures', id), id),
  ];
  register(join(root, 'collectors', 'index.ts'), id);
  const checkId = renamed('template_source_account_mfa_enabled', id);
  const rationale = `Every account of ${id} has MFA (a second factor at sign-in), so a password alone does not give access.`;
  addMapping(join(root, 'mappings', 'soc2-tsc-2017.yaml'), checkId, ['CC6.1'], rationale);
  addMapping(join(root, 'mappings', 'soc1-itgc.yaml'), checkId, ['ITGC-AC-06'], rationale);
  return [...written, join(root, 'collectors', 'index.ts'), join(root, 'mappings', 'soc2-tsc-2017.yaml'), join(root, 'mappings', 'soc1-itgc.yaml')];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const id = process.argv[2];
  if (!id) {
    process.stderr.write('usage: npm run new-collector <id>   (kebab-case, e.g. acme-hr)\n');
    process.exit(2);
  }
  try {
    const files = scaffoldCollector(process.cwd(), id);
    process.stdout.write(`${files.map((f) => `wrote ${f.slice(process.cwd().length + 1)}`).join('\n')}\n`);
    process.stdout.write(
      `next: make collectors/${id}/ read your source, keep its README in step, run npx vitest run test/collectors/${id}.test.ts test/contract.test.ts\n`,
    );
  } catch (error) {
    process.stderr.write(`new-collector: ${(error as Error).message}\n`);
    process.exit(2);
  }
}
