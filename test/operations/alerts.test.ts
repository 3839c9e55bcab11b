/**
 * The alerting rules compose's Prometheus loads (deploy/alerts/): valid, unit-tested with Prometheus's own
 * `promtool test rules` (each alert fires on what it is for and not on the healthy case beside it), and
 * written against metrics the worker really exports.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { parse } from 'yaml';

const ROOT = resolve(__dirname, '../..');
const ALERTS = join(ROOT, 'deploy/alerts');
const PROMTOOL = join(ROOT, '.tools/go-bin/promtool');
const promtool = async (...args: string[]) => await promisify(execFile)(PROMTOOL, args, { cwd: ALERTS });
const skip = existsSync(PROMTOOL) ? false : 'no promtool here (bash scripts/install-promtool.sh builds it)';

interface Rules {
  groups: { name: string; rules: { alert: string; expr: string; labels: { severity: string } }[] }[];
}
const rules = parse(readFileSync(join(ALERTS, 'work-orders.yml'), 'utf8')) as Rules;
const alerts = rules.groups.flatMap((group) => group.rules);

/** Every metric the product registers (src/), by the name Prometheus shows. */
function productMetrics(dir = join(ROOT, 'src')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return productMetrics(path);
    if (!entry.name.endsWith('.ts')) return [];
    return [...readFileSync(path, 'utf8').matchAll(/create(?:Counter|Gauge|Histogram)\(\s*'([a-z_]+)'/g)].map((match) => match[1]!);
  });
}

describe('the alerting rules', () => {
  it('are valid Prometheus rules', { skip }, async () => {
    const { stdout } = await promtool('check', 'rules', 'work-orders.yml');
    assert.match(stdout, new RegExp(`SUCCESS: ${alerts.length} rules found`));
  });

  it('pass their unit tests (promtool test rules)', { skip }, async () => {
    const run = await promtool('test', 'rules', 'work-orders.test.yml').catch((error: { stdout: string; stderr: string }) => {
      throw new Error(`promtool test rules failed:\n${error.stdout}${error.stderr}`);
    });
    assert.match(run.stdout, /SUCCESS/);
  });

  it('test every alert, and cover what needs a person', () => {
    const tested = readFileSync(join(ALERTS, 'work-orders.test.yml'), 'utf8');
    for (const { alert } of alerts) assert.match(tested, new RegExp(`alertname: ${alert}\\n`), `${alert} has a test`);
    assert.deepEqual(
      alerts.map((rule) => rule.alert).sort(),
      ['TopBan', 'TopCallsRefusedForAuthorization', 'TopQuotaHeldBack', 'WorkOrdersPastSla', 'WorkOrdersWaitingForOperator', 'WorkerDown', 'WorkerNotReady'],
    );
  });

  it('read only metrics the worker exports (or Prometheus’s own up)', () => {
    const exported = new Set([...productMetrics(), 'up']);
    for (const { alert, expr } of alerts) {
      const names = [...expr.matchAll(/\b([a-z_]+)(?=\{|\[|\s*(?:==|>|$))/g)].map((match) => match[1]!.replace(/_(bucket|count|sum)$/, ''));
      const unknown = names.filter((name) => !exported.has(name) && !['sum', 'max', 'by', 'rate', 'increase', 'priority', 'scope', 'error_class'].includes(name));
      assert.deepEqual(unknown, [], `${alert}: ${expr}`);
    }
  });

  it('are loaded by compose’s Prometheus', () => {
    const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as { services: { prometheus: { volumes: string[] } } };
    assert.ok(compose.services.prometheus.volumes.includes('./deploy/alerts/work-orders.yml:/etc/prometheus/alerts/work-orders.yml:ro'));
    const prometheus = parse(readFileSync(join(ROOT, 'deploy/prometheus.yml'), 'utf8')) as { rule_files: string[] };
    assert.deepEqual(prometheus.rule_files, ['/etc/prometheus/alerts/*.yml']);
  });
});
