/** A worker's Prometheus endpoint, read by the benchmarks to break time down with the SDK's own metrics. */
export type Scrape = Map<string, number>;

/** Every sample line, keyed by name and labels as written (`name{labels}`). */
export async function scrape(metricsUrl: string): Promise<Scrape> {
  const text = await (await fetch(metricsUrl)).text();
  const samples: Scrape = new Map();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const split = line.lastIndexOf(' ');
    samples.set(line.slice(0, split), Number(line.slice(split + 1)));
  }
  return samples;
}

/**
 * The mean of a histogram between two scrapes, over the series whose labels match `labels` (e.g.
 * `activity_type="notifyAliMe"`), in the histogram's own unit; undefined when nothing was observed.
 */
export function histogramMean(before: Scrape, after: Scrape, name: string, labels = ''): { mean: number; count: number } | undefined {
  const total = (scrape: Scrape, suffix: string) => {
    let sum = 0;
    for (const [key, value] of scrape) if (key.startsWith(`${name}${suffix}`) && key.includes(labels)) sum += value;
    return sum;
  };
  const count = total(after, '_count') - total(before, '_count');
  const sum = total(after, '_sum') - total(before, '_sum');
  return count > 0 ? { mean: sum / count, count } : undefined;
}
