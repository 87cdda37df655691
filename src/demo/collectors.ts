// The demo's collectors: every registered collector with a demo hook, with the options its hook gives
// for the sandbox estate. The demo command and the daemon-year bench both run this list.
import type { Collector } from '../collector.js';
import type { ConfiguredCollector } from '../runner.js';

export function demoCollectors(collectors: readonly Collector[]): ConfiguredCollector[] {
  return collectors.flatMap((collector) => (collector.demo ? [{ collector, options: collector.demo() as ConfiguredCollector['options'] }] : []));
}
