// A strict parser of the Prometheus text exposition format (version 0.0.4, what prom-client serves and
// Prometheus scrapes): HELP and TYPE once per family and before its samples, a family's samples together,
// metric and label names by the format's grammar, label values with their three escapes, float values
// (NaN, +Inf, -Inf), no series twice, histograms with cumulative buckets ending at le="+Inf" = _count.
// It throws naming the line on the first violation. For tests only.

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: MetricType;
  help: string | undefined;
  samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set<MetricType>(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

/** The family a sample name belongs to: `x_bucket`, `x_sum`, `x_count` belong to histogram/summary `x`. */
function familyOf(sampleName: string, families: Map<string, Family>): Family | undefined {
  const direct = families.get(sampleName);
  if (direct) return direct;
  const match = /^(.*)_(bucket|sum|count)$/.exec(sampleName);
  const parent = match ? families.get(match[1]!) : undefined;
  if (parent && (parent.type === 'histogram' || (parent.type === 'summary' && match![2] !== 'bucket'))) return parent;
  return undefined;
}

/** As Prometheus reads it (Go's ParseFloat): NaN and Inf in any case (prom-client writes `Nan`). */
function parseValue(text: string, line: number): number {
  const special = text.toLowerCase();
  if (special === 'nan') return Number.NaN;
  if (special === '+inf' || special === 'inf' || special === '+infinity' || special === 'infinity') return Number.POSITIVE_INFINITY;
  if (special === '-inf' || special === '-infinity') return Number.NEGATIVE_INFINITY;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`line ${line}: "${text}" is not a sample value`);
  return Number(text);
}

/** Reads `{a="x",b="y"}` from `text` at `start` (the `{`); returns the labels and the index after `}`. */
function parseLabels(text: string, start: number, line: number): { labels: Record<string, string>; end: number } {
  const labels: Record<string, string> = {};
  let i = start + 1;
  for (;;) {
    if (text[i] === '}') return { labels, end: i + 1 };
    const eq = text.indexOf('=', i);
    if (eq < 0) throw new Error(`line ${line}: a label without "="`);
    const name = text.slice(i, eq);
    if (!LABEL_NAME.test(name)) throw new Error(`line ${line}: "${name}" is not a label name`);
    if (name.startsWith('__')) throw new Error(`line ${line}: label names starting with __ are reserved`);
    if (name in labels) throw new Error(`line ${line}: label ${name} twice`);
    if (text[eq + 1] !== '"') throw new Error(`line ${line}: label ${name}'s value is not quoted`);
    let value = '';
    let j = eq + 2;
    for (; j < text.length && text[j] !== '"'; j++) {
      if (text[j] === '\\') {
        const next = text[++j];
        if (next === '\\') value += '\\';
        else if (next === '"') value += '"';
        else if (next === 'n') value += '\n';
        else throw new Error(`line ${line}: label ${name}: unknown escape \\${next ?? ''}`);
      } else value += text[j];
    }
    if (j >= text.length) throw new Error(`line ${line}: label ${name}'s value is not closed`);
    labels[name] = value;
    i = j + 1;
    if (text[i] === ',') i++;
    else if (text[i] !== '}') throw new Error(`line ${line}: expected "," or "}" after label ${name}`);
  }
}

export function parseExposition(text: string): Map<string, Family> {
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a line feed');
  const families = new Map<string, Family>();
  const seriesSeen = new Set<string>();
  const closed = new Set<string>();
  let current: Family | undefined;
  const lines = text.split('\n');
  lines.pop();
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    const comment = /^#\s*(HELP|TYPE)\s+(\S+)(?:\s(.*))?$/.exec(raw);
    if (comment) {
      const [, keyword, name, rest = ''] = comment as unknown as [string, 'HELP' | 'TYPE', string, string?];
      if (!METRIC_NAME.test(name)) throw new Error(`line ${line}: "${name}" is not a metric name`);
      let family = families.get(name);
      if (family && family.samples.length > 0) throw new Error(`line ${line}: ${keyword} of ${name} after its samples`);
      if (!family) {
        if (current) closed.add(current.name);
        family = { name, type: 'untyped', help: undefined, samples: [] };
        families.set(name, family);
        current = family;
      }
      if (keyword === 'HELP') {
        if (family.help !== undefined) throw new Error(`line ${line}: HELP of ${name} twice`);
        family.help = rest.replace(/\\(\\|n)/g, (_, c: string) => (c === 'n' ? '\n' : '\\'));
      } else {
        if (!TYPES.has(rest as MetricType)) throw new Error(`line ${line}: "${rest}" is not a metric type`);
        if ((family as { typed?: boolean }).typed) throw new Error(`line ${line}: TYPE of ${name} twice`);
        family.type = rest as MetricType;
        (family as { typed?: boolean }).typed = true;
      }
      return;
    }
    if (raw.startsWith('#')) return;
    const nameEnd = raw.search(/[{ ]/);
    if (nameEnd <= 0) throw new Error(`line ${line}: not a sample: ${raw}`);
    const name = raw.slice(0, nameEnd);
    if (!METRIC_NAME.test(name)) throw new Error(`line ${line}: "${name}" is not a metric name`);
    const { labels, end } = raw[nameEnd] === '{' ? parseLabels(raw, nameEnd, line) : { labels: {}, end: nameEnd };
    const fields = raw.slice(end).trim().split(/\s+/);
    if (raw[end] !== ' ' || fields.length < 1 || fields.length > 2)
      throw new Error(`line ${line}: expected a value (and an optional timestamp) after the labels`);
    if (fields[1] !== undefined && !/^-?\d+$/.test(fields[1])) throw new Error(`line ${line}: "${fields[1]}" is not a timestamp`);
    let family = familyOf(name, families);
    if (!family) {
      if (current) closed.add(current.name);
      family = { name, type: 'untyped', help: undefined, samples: [] };
      families.set(name, family);
    }
    if (family !== current && closed.has(family.name)) throw new Error(`line ${line}: samples of ${family.name} are not together`);
    if (family !== current && current) closed.add(current.name);
    current = family;
    const series = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (seriesSeen.has(series)) throw new Error(`line ${line}: series ${name}${JSON.stringify(labels)} twice`);
    seriesSeen.add(series);
    family.samples.push({ name, labels, value: parseValue(fields[0]!, line) });
  });
  for (const family of families.values()) if (family.type === 'histogram') checkHistogram(family);
  return families;
}

/** Per label set: buckets cumulative (non-decreasing with le), the last le="+Inf", equal to _count; a _sum. */
function checkHistogram(family: Family): void {
  const groups = new Map<string, { buckets: [number, number][]; count?: number; sum?: number }>();
  for (const sample of family.samples) {
    const { le, ...rest } = sample.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    const group = groups.get(key) ?? { buckets: [] };
    groups.set(key, group);
    if (sample.name === `${family.name}_bucket`) {
      if (le === undefined) throw new Error(`${family.name}: a bucket without le`);
      group.buckets.push([parseValue(le, 0), sample.value]);
    } else if (sample.name === `${family.name}_count`) group.count = sample.value;
    else if (sample.name === `${family.name}_sum`) group.sum = sample.value;
    else throw new Error(`${family.name}: ${sample.name} is not part of a histogram`);
  }
  for (const [key, group] of groups) {
    const bounds = group.buckets.map(([le]) => le);
    if (bounds.at(-1) !== Number.POSITIVE_INFINITY) throw new Error(`${family.name}${key}: no le="+Inf" bucket`);
    for (let i = 1; i < group.buckets.length; i++) {
      if (!(group.buckets[i]![0] > group.buckets[i - 1]![0])) throw new Error(`${family.name}${key}: buckets not in increasing le order`);
      if (group.buckets[i]![1] < group.buckets[i - 1]![1]) throw new Error(`${family.name}${key}: bucket counts are not cumulative`);
    }
    if (group.count === undefined || group.sum === undefined) throw new Error(`${family.name}${key}: _count or _sum missing`);
    if (group.buckets.at(-1)![1] !== group.count) throw new Error(`${family.name}${key}: le="+Inf" bucket differs from _count`);
  }
}
