// Checks of everything under deploy/, docker-compose.yml and the Dockerfiles, without a cluster or a Docker engine:
// the Kubernetes overlays are built with kustomize and validated by kubeconform against schemas vendored into the
// repo (so nothing is downloaded), the compose file against the vendored compose-spec schema, and both against
// the services' own configuration schemas, so a variable a service reads cannot be forgotten in a deployment.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { BaseConfig, NATS_LOGIN_VARIABLES } from '@messenger/kit';
import { deployedNatsAuthorization, NATS_USERS, natsPasswordVariable, toolPath } from '@messenger/kit/servers';
import { parse, parseAllDocuments } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { CallsConfig } from '../services/calls/src/calls.module.js';
import { GatewayConfig } from '../services/gateway/src/config.js';
import { GroupsConfig } from '../services/groups/src/groups.module.js';
import { UsersConfig } from '../services/users/src/config.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

const SERVICES = ['gateway', 'users', 'groups', 'calls'] as const;
type Service = (typeof SERVICES)[number];

/** What each process reads at start (services get BaseConfig merged in by startService; every NATS connection logs in). */
const CONFIG_KEYS: Record<Service, string[]> = {
  gateway: [...Object.keys(GatewayConfig.shape), ...NATS_LOGIN_VARIABLES],
  users: [...Object.keys(BaseConfig.extend(UsersConfig.shape).shape), ...NATS_LOGIN_VARIABLES],
  groups: [...Object.keys(BaseConfig.extend(GroupsConfig.shape).shape), ...NATS_LOGIN_VARIABLES],
  calls: [...Object.keys(BaseConfig.extend(CallsConfig.shape).shape), ...NATS_LOGIN_VARIABLES],
};

/** Variables that a deployment may leave unset, because the default is what a deployment wants. Keep it short. */
const TELEMETRY_DEFAULTS = {
  OTEL_EXPORTER_OTLP_ENDPOINT: 'no collector ships with the base; components/observability (prod) sets it',
  OTEL_TRACES_SAMPLER: "the SDK's default (parent-based, always on) suits dev; components/observability sets a ratio",
  OTEL_TRACES_SAMPLER_ARG: 'goes with OTEL_TRACES_SAMPLER',
  OTEL_METRIC_EXPORT_INTERVAL: 'the default (15 s) matches a usual scrape interval',
};
const BASE_DEFAULTS = {
  ...TELEMETRY_DEFAULTS,
  RATE_LIMITS: 'the route limits in libs/contracts (rate-limits.ts) are the deployed ones; set it only to override some',
};
const LEFT_TO_DEFAULT: Record<Service, Record<string, string>> = {
  gateway: {
    GATEWAY_ID: 'the default (host name + pid) is unique per replica; Kubernetes sets the pod name',
    JWT_PUBLIC_KEY: 'the key is mounted as a file (JWT_PUBLIC_KEY_FILE); the inline form is its alternative',
    ...BASE_DEFAULTS,
  },
  users: {
    JWT_PRIVATE_KEY: 'the key is mounted as a file (JWT_PRIVATE_KEY_FILE); the inline form is its alternative',
    PASSWORD_SCRYPT_LOG2_N: "the default (17) is OWASP's minimum; the tests lower it",
    ...BASE_DEFAULTS,
  },
  groups: BASE_DEFAULTS,
  calls: BASE_DEFAULTS,
};

/** Values that must come from a Secret (Kubernetes) or from .env (compose), never from a committed file. */
const SECRET_VARIABLES = ['MONGO_URL', 'REDIS_URL', 'URL_SIGNING_SECRET', 'LIVEKIT_API_KEY', 'LIVEKIT_API_SECRET', 'NATS_PASSWORD'];

/** Passwords of the kind deploy/k8s/README.md makes (a letter, then hex), for checking the NATS configurations. */
const natsPasswordsEnv = () =>
  Object.fromEntries(NATS_USERS.map((user) => [natsPasswordVariable(user), `n${randomBytes(24).toString('hex')}`]));

/**
 * A NATS configuration gives each process its own user with kit's permission map (what every system test runs
 * on), and nats-server accepts it with passwords like the ones the READMEs make.
 */
const expectNatsUsers = (conf: string) => {
  expect(conf, 'the authorization block of libs/kit/src/servers/nats-permissions.ts, as deployedNatsAuthorization() prints it').toContain(
    deployedNatsAuthorization(),
  );
  const file = join(mkdtempSync(join(tmpdir(), 'nats-conf-')), 'nats.conf');
  writeFileSync(file, conf);
  const result = spawnSync(toolPath('nats-server'), ['-t', '-c', file], {
    encoding: 'utf8',
    env: { ...offlineEnv, POD_NAME: 'nats-0', ...natsPasswordsEnv() },
    timeout: 30_000,
  });
  expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
};

// Any HTTP(S) the tools might attempt goes nowhere: the checks must work offline and talk to no other host.
const offlineEnv = { ...process.env, HTTP_PROXY: 'http://127.0.0.1:9', HTTPS_PROXY: 'http://127.0.0.1:9', NO_PROXY: '' };
const run = (command: string, args: string[], input?: string) =>
  spawnSync(command, args, { cwd: root, input, encoding: 'utf8', env: offlineEnv, timeout: 60_000 });

// ---- Kubernetes -------------------------------------------------------------------------------------------------

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string }; configMapKeyRef?: { name: string; key: string }; fieldRef?: unknown };
}
interface Probe {
  httpGet?: { path: string; port: number | string };
  exec?: { command: string[] };
}
interface Container {
  name: string;
  image: string;
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  ports?: { name?: string; containerPort: number }[];
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: { allowPrivilegeEscalation?: boolean; readOnlyRootFilesystem?: boolean; capabilities?: { drop?: string[] } };
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodSpec {
  containers: Container[];
  hostNetwork?: boolean;
  terminationGracePeriodSeconds?: number;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; seccompProfile?: { type: string } };
  topologySpreadConstraints?: { topologyKey: string }[];
  volumes?: { name: string; secret?: { secretName: string }; emptyDir?: unknown; configMap?: { name: string } }[];
}
interface Resource {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  spec?: {
    replicas?: number;
    selector?: { matchLabels?: Record<string, string> };
    template?: { metadata?: { labels?: Record<string, string> }; spec: PodSpec };
    minReplicas?: number;
    maxReplicas?: number;
    scaleTargetRef?: { kind: string; name: string };
    metrics?: { type: string; pods?: { metric: { name: string } } }[];
    minAvailable?: number | string;
    maxUnavailable?: number | string;
    podSelector?: { matchLabels?: Record<string, string> };
    policyTypes?: string[];
    ingress?: { from?: { namespaceSelector?: { matchLabels?: Record<string, string> }; podSelector?: unknown; ipBlock?: unknown }[] }[];
    egress?: unknown[];
    rules?: { host: string }[];
  };
}

const OVERLAYS = ['dev', 'prod'] as const;
type Overlay = (typeof OVERLAYS)[number];
const K8S_VERSION = '1.31.0';
const SCHEMA_LOCATION =
  'deploy/k8s/schemas/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json';

const rendered = {} as Record<Overlay, { yaml: string; resources: Resource[] }>;
const workloads = (resources: Resource[]) => resources.filter((r) => r.kind === 'Deployment' || r.kind === 'StatefulSet');
const find = (resources: Resource[], kind: string, name: string) => resources.find((r) => r.kind === kind && r.metadata.name === name);
const podSpec = (workload: Resource): PodSpec => workload.spec!.template!.spec;
const mainContainer = (workload: Resource): Container => podSpec(workload).containers.find((c) => c.name === workload.metadata.name)!;
const matches = (selector: Record<string, string> | undefined, labels: Record<string, string> | undefined) =>
  !!selector && Object.entries(selector).every(([key, value]) => labels?.[key] === value);

/** Every variable a Kubernetes container gets: env, plus the keys of the ConfigMaps it takes whole. */
const k8sEnv = (resources: Resource[], container: Container): Map<string, EnvVar | { configMap: string }> => {
  const env = new Map<string, EnvVar | { configMap: string }>();
  for (const source of container.envFrom ?? []) {
    expect(source.secretRef, 'secrets are referenced key by key, never taken whole').toBeUndefined();
    const configMap = find(resources, 'ConfigMap', source.configMapRef!.name);
    expect(configMap, `ConfigMap ${source.configMapRef!.name}`).toBeDefined();
    for (const key of Object.keys(configMap!.data ?? {})) env.set(key, { configMap: configMap!.metadata.name });
  }
  for (const variable of container.env ?? []) env.set(variable.name, variable);
  return env;
};

beforeAll(() => {
  for (const overlay of OVERLAYS) {
    const result = run(toolPath('kustomize'), ['build', `deploy/k8s/overlays/${overlay}`]);
    if (result.status !== 0) throw new Error(`kustomize build ${overlay} failed:\n${result.stderr}`);
    const resources = parseAllDocuments(result.stdout).map((doc) => doc.toJS() as Resource);
    rendered[overlay] = { yaml: result.stdout, resources };
  }
});

describe.each(OVERLAYS)('deploy/k8s/overlays/%s', (overlay) => {
  it('is valid Kubernetes 1.31 (kubeconform -strict, vendored schemas, nothing skipped)', () => {
    const args = ['-strict', '-summary', '-kubernetes-version', K8S_VERSION, '-schema-location', SCHEMA_LOCATION, '-'];
    const result = run(toolPath('kubeconform'), args, rendered[overlay].yaml);
    expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
    const count = rendered[overlay].resources.length;
    expect(result.stdout).toContain(`${count} resources found parsing stdin - Valid: ${count}, Invalid: 0, Errors: 0, Skipped: 0`);
  });

  it('runs every workload with probes, resources and a locked-down security context', () => {
    const list = workloads(rendered[overlay].resources);
    expect(list.map((w) => w.metadata.name).sort()).toEqual(['calls', 'gateway', 'groups', 'livekit', 'nats', 'redis', 'users']);
    for (const workload of list) {
      const name = `${workload.kind} ${workload.metadata.name}`;
      const pod = podSpec(workload);
      expect(pod.securityContext?.runAsNonRoot, name).toBe(true);
      expect(pod.securityContext?.seccompProfile?.type, name).toBe('RuntimeDefault');
      for (const container of pod.containers) {
        expect(container.readinessProbe, `${name} readinessProbe`).toBeDefined();
        expect(container.livenessProbe, `${name} livenessProbe`).toBeDefined();
        expect(container.startupProbe, `${name} startupProbe`).toBeDefined();
        expect(container.resources?.requests?.cpu, `${name} cpu request`).toBeDefined();
        expect(container.resources?.requests?.memory, `${name} memory request`).toBeDefined();
        expect(container.resources?.limits?.memory, `${name} memory limit`).toBeDefined();
        expect(container.securityContext?.readOnlyRootFilesystem, name).toBe(true);
        expect(container.securityContext?.allowPrivilegeEscalation, name).toBe(false);
        expect(container.securityContext?.capabilities?.drop, name).toEqual(['ALL']);
        expect(container.image, `${name} image`).toMatch(/(:[\w.-]+|@sha256:[0-9a-f]{64})$/);
        expect(container.image, `${name} image`).not.toMatch(/:latest$/);
      }
    }
  });

  it('probes the app containers where they serve health, and lets them finish work before being killed', () => {
    const resources = rendered[overlay].resources;
    for (const service of SERVICES) {
      const deployment = find(resources, 'Deployment', service)!;
      const container = mainContainer(deployment);
      const env = k8sEnv(resources, container);
      const value = (key: string) => {
        const entry = env.get(key);
        if (!entry) return undefined;
        if ('configMap' in entry) return find(resources, 'ConfigMap', entry.configMap)!.data![key];
        return entry.value;
      };
      const portName = container.readinessProbe!.httpGet!.port;
      const port = container.ports!.find((p) => p.name === portName)!.containerPort;
      expect(port, service).toBe(Number(value(service === 'gateway' ? 'PORT' : 'HEALTH_PORT')));
      expect(container.readinessProbe!.httpGet!.path).toBe('/readyz');
      expect(container.livenessProbe!.httpGet!.path).toBe('/livez');
      const pause = Number(container.lifecycle?.preStop?.exec?.command.at(-1) ?? 0);
      const grace = Number(value('SHUTDOWN_GRACE_MS')) / 1000;
      expect(podSpec(deployment).terminationGracePeriodSeconds, service).toBeGreaterThan(pause + grace);
      expect(podSpec(deployment).volumes?.find((v) => v.name === 'tmp')?.emptyDir, `${service} /tmp`).toBeDefined();
      const spread = podSpec(deployment).topologySpreadConstraints?.map((c) => c.topologyKey);
      expect(spread, service).toEqual(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']);
    }
    expect(mainContainer(find(resources, 'Deployment', 'gateway')!).lifecycle?.preStop, 'gateway drains endpoints').toBeDefined();
  });

  it('commits no secret: no Secret object, nothing secret in a ConfigMap', () => {
    const resources = rendered[overlay].resources;
    expect(resources.filter((r) => r.kind === 'Secret')).toEqual([]);
    for (const configMap of resources.filter((r) => r.kind === 'ConfigMap')) {
      for (const key of Object.keys(configMap.data ?? {})) {
        expect(SECRET_VARIABLES, `${configMap.metadata.name}: ${key}`).not.toContain(key);
        expect(key, configMap.metadata.name).not.toMatch(/PASSWORD|SECRET|PRIVATE_KEY$/);
      }
      for (const text of Object.values(configMap.data ?? {})) {
        expect(text).not.toMatch(/-----BEGIN [A-Z ]*PRIVATE KEY-----/);
        expect(text).not.toMatch(/^\s*keys\s*:/m);
      }
    }
    for (const service of SERVICES) {
      const env = k8sEnv(resources, mainContainer(find(resources, 'Deployment', service)!));
      for (const key of SECRET_VARIABLES.filter((k) => CONFIG_KEYS[service].includes(k))) {
        const entry = env.get(key);
        expect(entry && 'valueFrom' in entry ? entry.valueFrom?.secretKeyRef?.name : undefined, `${service} ${key}`).toBe(
          'messenger-secrets',
        );
      }
    }
  });

  it('gives each process its own NATS user: the server reads the passwords from the Secret, each workload its own', () => {
    const resources = rendered[overlay].resources;
    const configMap = resources.find((r) => r.kind === 'ConfigMap' && r.metadata.name.startsWith('nats-config'))!;
    expectNatsUsers(configMap.data!['nats.conf']!);
    const serverEnv = k8sEnv(resources, mainContainer(find(resources, 'StatefulSet', 'nats')!));
    for (const user of NATS_USERS) {
      const entry = serverEnv.get(natsPasswordVariable(user));
      expect(entry && 'valueFrom' in entry ? entry.valueFrom?.secretKeyRef : undefined, natsPasswordVariable(user)).toEqual({
        name: 'messenger-secrets',
        key: natsPasswordVariable(user),
      });
    }
    for (const service of SERVICES) {
      const env = k8sEnv(resources, mainContainer(find(resources, 'Deployment', service)!));
      const user = env.get('NATS_USER');
      expect(user && 'configMap' in user ? find(resources, 'ConfigMap', user.configMap)!.data!.NATS_USER : undefined, service).toBe(
        service,
      );
      const password = env.get('NATS_PASSWORD');
      expect(password && 'valueFrom' in password ? password.valueFrom?.secretKeyRef?.key : undefined, service).toBe(
        natsPasswordVariable(service),
      );
    }
  });

  it('isolates the pods with network policies', () => {
    const policies = rendered[overlay].resources.filter((r) => r.kind === 'NetworkPolicy');
    const byName = (name: string) => policies.find((p) => p.metadata.name === name)!;
    expect(byName('default-deny').spec).toMatchObject({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    // The gateways trust X-Forwarded-For (TRUST_PROXY): only the ingress controller's pods may reach their public
    // port, never an address range (which would let any pod or node there name any client address).
    const gatewayRules = byName('gateway').spec!.ingress!;
    const publicRules = gatewayRules.filter((rule) => (rule as { ports?: { port: number }[] }).ports?.some((p) => p.port === 8080));
    expect(publicRules).toHaveLength(1);
    expect(publicRules[0]!.from).toEqual([
      {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } },
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' } },
      },
    ]);
    for (const rule of gatewayRules) {
      expect((rule as { ports?: unknown[] }).ports, 'every rule names its ports').toBeDefined();
      for (const from of rule.from ?? []) {
        expect(from.ipBlock, 'no address range reaches the gateway').toBeUndefined();
        expect(from.namespaceSelector, 'no pod of this namespace reaches the gateway').toBeDefined();
      }
    }
    // LiveKit (host network, so only an address range could admit it) sends its webhooks through the controller.
    const livekit = parse(
      rendered[overlay].resources.find((r) => r.metadata.name.startsWith('livekit-config'))!.data!['livekit.yaml']!,
    ) as {
      webhook: { urls: string[] };
    };
    expect(livekit.webhook.urls).toEqual(['http://ingress-nginx-controller.ingress-nginx.svc/webhooks/livekit']);
    const webhooks = find(rendered[overlay].resources, 'Ingress', 'messenger-webhooks')!.spec as unknown as {
      rules: { host?: string; http: { paths: { path: string; backend: { service: { name: string } } }[] } }[];
    };
    expect(webhooks.rules).toMatchObject([{ http: { paths: [{ path: '/webhooks/livekit', backend: { service: { name: 'gateway' } } }] } }]);
    expect(webhooks.rules[0]!.host, 'any host name, so the in-cluster address matches').toBeUndefined();
    for (const service of ['users', 'groups', 'calls']) {
      const policy = byName(service);
      expect(policy.spec!.podSelector?.matchLabels).toEqual({ 'app.kubernetes.io/name': service });
      expect(policy.spec!.policyTypes).toEqual(['Ingress', 'Egress']);
      // Work arrives over NATS (outbound); the only way in is Prometheus, from `monitoring`, to the probe port.
      for (const rule of policy.spec!.ingress ?? []) {
        expect(rule, `${service} accepts only the metrics scrape`).toEqual({
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
          ports: [{ protocol: 'TCP', port: 9090 }],
        });
      }
    }
  });
});

describe('deploy/k8s/overlays/prod', () => {
  it('gives every Deployment a disruption budget and an autoscaler with at least two replicas, up to 20', () => {
    const resources = rendered.prod.resources;
    for (const deployment of resources.filter((r) => r.kind === 'Deployment')) {
      const name = deployment.metadata.name;
      const labels = deployment.spec!.template!.metadata!.labels;
      const budget = resources.find((r) => r.kind === 'PodDisruptionBudget' && matches(r.spec!.selector?.matchLabels, labels));
      expect(budget, `PodDisruptionBudget for ${name}`).toBeDefined();
      const hpa = resources.find((r) => r.kind === 'HorizontalPodAutoscaler' && r.spec!.scaleTargetRef?.name === name);
      expect(hpa, `HorizontalPodAutoscaler for ${name}`).toBeDefined();
      expect(hpa!.spec!.minReplicas, name).toBeGreaterThanOrEqual(2);
      expect(hpa!.spec!.maxReplicas, name).toBeLessThanOrEqual(20);
      expect(deployment.spec!.replicas, `${name}: the autoscaler owns the replica count`).toBeUndefined();
    }
    const gatewayMetrics = find(resources, 'HorizontalPodAutoscaler', 'gateway')!.spec!.metrics!;
    expect(gatewayMetrics.map((m) => m.type)).toEqual(['Resource', 'Pods']);
    expect(gatewayMetrics[1]!.pods!.metric.name).toBe('messenger_gateway_ws_connections');
  });

  it('runs NATS as a three-node JetStream cluster with a quorum-keeping budget', () => {
    const resources = rendered.prod.resources;
    expect(find(resources, 'StatefulSet', 'nats')!.spec!.replicas).toBe(3);
    expect(find(resources, 'PodDisruptionBudget', 'nats')!.spec!.maxUnavailable).toBe(1);
    const conf = resources.find((r) => r.kind === 'ConfigMap' && r.metadata.name.startsWith('nats-config'))!.data!['nats.conf']!;
    expect(conf).toMatch(/jetstream\s*\{/);
    for (const ordinal of [0, 1, 2]) expect(conf).toContain(`nats://nats-${ordinal}.nats-headless:6222`);
  });

  it('pins the images it builds by digest', () => {
    for (const service of SERVICES) {
      expect(mainContainer(find(rendered.prod.resources, 'Deployment', service)!).image).toMatch(/@sha256:[0-9a-f]{64}$/);
    }
  });

  it('keeps session affinity off at the ingress, and sockets open for an hour', () => {
    const ingress = find(rendered.prod.resources, 'Ingress', 'messenger')!;
    const annotations = ingress.metadata.annotations ?? {};
    expect(annotations['nginx.ingress.kubernetes.io/proxy-read-timeout']).toBe('3600');
    expect(Object.keys(annotations).filter((key) => /affinity|session-cookie|upstream-hash-by/.test(key))).toEqual([]);
    expect(find(rendered.prod.resources, 'Service', 'gateway')!.spec).not.toMatchObject({ sessionAffinity: 'ClientIP' });
  });

  it('keeps /ws out of the ingress access log (its query holds the access token), on the product host', () => {
    const ws = find(rendered.prod.resources, 'Ingress', 'messenger-ws')!;
    const main = find(rendered.prod.resources, 'Ingress', 'messenger')!;
    const annotations = ws.metadata.annotations ?? {};
    expect(annotations['nginx.ingress.kubernetes.io/enable-access-log']).toBe('false');
    expect(annotations['nginx.ingress.kubernetes.io/proxy-read-timeout']).toBe('3600');
    const rules = (ingress: typeof ws) =>
      (ingress.spec as { rules: { host: string; http: { paths: { path: string; pathType: string }[] } }[] }).rules;
    expect(rules(ws).map((r) => r.host)).toEqual(rules(main).map((r) => r.host));
    expect(rules(ws)[0]!.http.paths).toMatchObject([{ path: '/ws', pathType: 'Exact' }]);
  });
});

// ---- docker-compose.yml ------------------------------------------------------------------------------------------

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string; args?: Record<string, string> };
  environment?: Record<string, string | number | boolean | null> | string[];
  healthcheck?: { test?: string | string[]; disable?: boolean };
  depends_on?: string[] | Record<string, { condition?: string }>;
  read_only?: boolean;
  secrets?: string[];
  ports?: string[];
  deploy?: { replicas?: number };
  command?: string[] | string;
  volumes?: string[];
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  secrets?: Record<string, { file?: string }>;
}

const compose = parse(read('docker-compose.yml'), { merge: true }) as ComposeFile;
const composeEnv = (service: string): Record<string, string> => {
  const environment = compose.services[service]!.environment ?? {};
  if (Array.isArray(environment))
    return Object.fromEntries(environment.map((line) => [line.split('=')[0]!, line.split('=').slice(1).join('=')]));
  return Object.fromEntries(Object.entries(environment).map(([key, value]) => [key, String(value ?? '')]));
};

describe('docker-compose.yml', () => {
  it('is valid against the Compose Specification schema (vendored from compose-go)', () => {
    const schema = JSON.parse(read('deploy/compose/compose-spec.json')) as object;
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
    const valid = validate(compose);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(valid).toBe(true);
  });

  it('health-checks every container and starts each only after what it needs is healthy', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      expect(service.healthcheck?.test, `${name} healthcheck`).toBeDefined();
      expect(service.healthcheck?.disable, name).not.toBe(true);
      const dependsOn = service.depends_on ?? {};
      expect(Array.isArray(dependsOn), `${name}: depends_on with conditions`).toBe(false);
      for (const [dependency, condition] of Object.entries(dependsOn)) {
        expect(compose.services[dependency], `${name} → ${dependency}`).toBeDefined();
        expect(condition.condition, `${name} → ${dependency}`).toBe('service_healthy');
      }
    }
    const needs = (name: string) => Object.keys(compose.services[name]!.depends_on ?? {}).sort();
    expect(needs('users')).toEqual(['mongo', 'nats', 'redis']);
    expect(needs('groups')).toEqual(['mongo', 'nats', 'redis']);
    expect(needs('calls')).toEqual(['livekit', 'mongo', 'nats', 'redis']);
    expect(needs('gateway')).toEqual(['calls', 'groups', 'nats', 'users']);
    expect(needs('nginx')).toEqual(['gateway']);
  });

  it('runs two gateways behind nginx, which upgrades /ws without sticky sessions', () => {
    expect(compose.services.gateway!.deploy?.replicas).toBe(2);
    expect(composeEnv('gateway').TRUST_PROXY).toBe('true');
    // On this machine only, unless .env says otherwise (PUBLISH_ADDRESS).
    expect(compose.services.nginx!.ports).toEqual(['${PUBLISH_ADDRESS:-127.0.0.1}:${HTTP_PORT:-8080}:8080']);
    const nginx = read('deploy/compose/nginx.conf').replace(/#.*$/gm, '');
    const ws = /location = \/ws \{([^}]*)\}/.exec(nginx)?.[1] ?? '';
    expect(ws).toContain('proxy_set_header Upgrade $http_upgrade');
    expect(ws).toContain('proxy_set_header Connection $connection_upgrade');
    expect(ws).toContain('proxy_set_header X-Forwarded-For $remote_addr');
    expect(ws).toMatch(/proxy_read_timeout 3600s/);
    expect(nginx).not.toMatch(/\b(ip_hash|hash|sticky)\b/);
  });

  it('lets NATS carry an attachment: the compose server reads a config with the same max_payload as k8s', () => {
    expect(compose.services.nats!.command).toEqual(['-c', '/etc/nats/nats.conf']);
    expect(compose.services.nats!.volumes).toContain('./deploy/compose/nats.conf:/etc/nats/nats.conf:ro');
    const payload = (file: string) => /^max_payload:\s*(\S+)/m.exec(read(file))?.[1];
    expect(payload('deploy/compose/nats.conf')).toBe('48MB');
    expect(payload('deploy/compose/nats.conf')).toBe(payload('deploy/k8s/base/nats.conf'));
    expect(read('deploy/compose/nats.conf')).toMatch(/jetstream \{[^}]*store_dir: \/data/);
  });

  it('gives each process its own NATS user, with passwords from .env', () => {
    expectNatsUsers(read('deploy/compose/nats.conf'));
    const server = composeEnv('nats');
    for (const user of NATS_USERS) {
      const variable = natsPasswordVariable(user);
      expect(server[variable], variable).toBe(`\${${variable}:?set ${variable} in .env}`);
    }
    for (const service of SERVICES) {
      expect(composeEnv(service).NATS_USER, service).toBe(service);
      expect(composeEnv(service).NATS_PASSWORD, service).toBe(server[natsPasswordVariable(service)]);
    }
  });

  it('logs requests at nginx by path only, so the token in /ws?access_token= never reaches a log', () => {
    const nginx = read('deploy/compose/nginx.conf').replace(/#.*$/gm, '');
    const format = /log_format messenger ([^;]*);/.exec(nginx)?.[1] ?? '';
    expect(format).toContain('$uri');
    expect(format).not.toMatch(/\$(request|request_uri|args|query_string|arg_\w+)\b/);
    // Every access_log line uses that format or is off; none falls back to the default, which logs $request.
    const logs = [...nginx.matchAll(/access_log ([^;]*);/g)].map((m) => m[1]!.trim());
    expect(logs.length).toBeGreaterThan(0);
    for (const line of logs) expect(line === 'off' || line.endsWith(' messenger'), line).toBe(true);
  });

  it('hardens the app containers and builds them from the one Dockerfile', () => {
    for (const service of SERVICES) {
      const definition = compose.services[service]!;
      expect(definition.read_only, service).toBe(true);
      expect(definition.build?.dockerfile, service).toBe('deploy/Dockerfile');
      expect(definition.build?.args?.SERVICE, service).toBe(service);
    }
    for (const [name, service] of Object.entries(compose.services)) {
      if (service.build) continue;
      // A variable for the local stand-ins (deploy/compose/local.yml), defaulting to a pinned public image.
      const image = /^\$\{[A-Z_]+:-([^}]+)\}$/.exec(service.image ?? '')?.[1];
      expect(image, name).toMatch(/:[\w.-]+$/);
      expect(image, name).not.toMatch(/:latest$/);
    }
  });

  it('takes every secret from .env or .secrets/, never from the file itself', () => {
    for (const service of SERVICES) {
      const env = composeEnv(service);
      for (const key of SECRET_VARIABLES.filter((k) => k in env)) {
        expect(env[key], `${service} ${key}`).toMatch(/\$\{[A-Z_]+:\?[^}]+\}/);
      }
    }
    expect(composeEnv('users').JWT_PRIVATE_KEY_FILE).toBe('/run/secrets/jwt_private_key');
    expect(composeEnv('gateway').JWT_PUBLIC_KEY_FILE).toBe('/run/secrets/jwt_public_key');
    for (const secret of Object.values(compose.secrets ?? {})) expect(secret.file).toMatch(/^\.\/\.secrets\//);
    const livekit = parse(read('deploy/compose/livekit.yaml')) as Record<string, unknown>;
    expect(livekit.keys, 'LiveKit keys come from LIVEKIT_KEYS').toBeUndefined();
    expect(livekit.redis).toMatchObject({ address: 'redis:6379' });
    const example = read('.env.example');
    for (const key of ['MONGO_PASSWORD', 'REDIS_PASSWORD', 'URL_SIGNING_SECRET', 'LIVEKIT_API_SECRET']) {
      expect(example, `.env.example leaves ${key} empty`).toMatch(new RegExp(`^${key}=$`, 'm'));
    }
  });
});

// ---- configuration coverage ----------------------------------------------------------------------------------------

/** The ENV of a Dockerfile's final stage: what the image itself sets. */
const imageEnv = (_service: Service): Record<string, string> => {
  // One Dockerfile for every service: its final stage sets the gateway's variables and the services' alike.
  const stage = instructions(read('deploy/Dockerfile')).reduce<Instruction[]>(
    (current, instruction) => (instruction.keyword === 'FROM' ? [instruction] : [...current, instruction]),
    [],
  );
  const env: Record<string, string> = {};
  for (const instruction of stage.filter((i) => i.keyword === 'ENV')) {
    for (const match of instruction.args.matchAll(/([A-Z_][A-Z0-9_]*)=(\S*)/g)) env[match[1]!] = match[2]!;
  }
  return env;
};

describe.each(SERVICES)('the configuration of %s', (service) => {
  const allowed = (key: string) => key in LEFT_TO_DEFAULT[service];

  it('lists only variables the service reads in its allow-list', () => {
    for (const key of Object.keys(LEFT_TO_DEFAULT[service])) expect(CONFIG_KEYS[service], key).toContain(key);
  });

  it('is fully set in docker-compose.yml', () => {
    const env = { ...imageEnv(service), ...composeEnv(service) };
    expect(CONFIG_KEYS[service].filter((key) => !(key in env) && !allowed(key))).toEqual([]);
    expect(Object.keys(composeEnv(service)).filter((key) => !CONFIG_KEYS[service].includes(key))).toEqual([]);
  });

  it.each(OVERLAYS)('is fully set in the Kubernetes overlay %s (ConfigMaps, Secret references, the image)', (overlay) => {
    const resources = rendered[overlay].resources;
    const set = k8sEnv(resources, mainContainer(find(resources, 'Deployment', service)!));
    const env = new Set([...Object.keys(imageEnv(service)), ...set.keys()]);
    expect(CONFIG_KEYS[service].filter((key) => !env.has(key) && !allowed(key))).toEqual([]);
    expect([...set.keys()].filter((key) => !CONFIG_KEYS[service].includes(key))).toEqual([]);
    for (const key of CONFIG_KEYS[service].filter((k) => k.endsWith('_FILE') && set.has(k))) {
      const entry = set.get(key)!;
      const path = 'configMap' in entry ? find(resources, 'ConfigMap', entry.configMap)!.data![key]! : entry.value!;
      const deployment = find(resources, 'Deployment', service)!;
      const mount = mainContainer(deployment).volumeMounts!.find((m) => path.startsWith(`${m.mountPath}/`));
      const volume = podSpec(deployment).volumes!.find((v) => v.name === mount?.name);
      expect(volume?.secret?.secretName, `${service} ${key}=${path} is a mounted Secret`).toBe('messenger-secrets');
    }
  });
});

// ---- Dockerfiles ---------------------------------------------------------------------------------------------------

interface Instruction {
  keyword: string;
  args: string;
}

/** A Dockerfile as instructions: comments dropped, continuation lines joined. */
const instructions = (text: string): Instruction[] =>
  text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [, keyword = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
      return { keyword: keyword.toUpperCase(), args };
    });

describe('deploy/Dockerfile (every service, by SERVICE)', () => {
  const all = instructions(read('deploy/Dockerfile'));
  const finalStage = all.slice(all.map((i) => i.keyword).lastIndexOf('FROM'));
  const argDefaults = Object.fromEntries(
    all
      .filter((i) => i.keyword === 'ARG' && i.args.includes('='))
      .map((i) => [i.args.split('=')[0]!, i.args.split('=').slice(1).join('=')]),
  );

  it('builds from a base image pinned to a specific tag (glibc, Node 20)', () => {
    const froms = all.filter((i) => i.keyword === 'FROM');
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const from of froms) {
      const image = from.args.split(/\s+/)[0]!.replace(/^\$\{(\w+)\}$/, (_, name: string) => argDefaults[name] ?? '');
      expect(image, from.args).toMatch(/^[\w./-]+(:[\w.-]+)(@sha256:[0-9a-f]{64})?$/);
      expect(image).not.toMatch(/:latest\b/);
      expect(image).toMatch(/^node:20\.\d+-bookworm-slim/);
    }
  });

  it('installs with npm ci (production dependencies of the one service only in the image), never npm install', () => {
    const runs = all.filter((i) => i.keyword === 'RUN').map((i) => i.args);
    expect(runs.filter((command) => /\bnpm (install|i)\b/.test(command))).toEqual([]);
    const finalInstall = finalStage.filter((i) => i.keyword === 'RUN' && /\bnpm ci\b/.test(i.args));
    expect(finalInstall).toHaveLength(1);
    expect(finalInstall[0]!.args).toContain('--omit=dev');
    expect(finalInstall[0]!.args).toContain('--workspace "services/$SERVICE"');
    expect(runs.filter((command) => /\bnpm ci\b/.test(command)).every((command) => command.includes('--ignore-scripts'))).toBe(true);
  });

  it('has no BuildKit-only syntax, so Compose 1.29 and an engine without buildx build it', () => {
    expect(read('deploy/Dockerfile')).not.toMatch(/^# syntax=|--mount=/m);
  });

  it.each(SERVICES)('runs %s as a non-root user, in production mode, health-checked, from its built entry point', (service) => {
    const user = finalStage.filter((i) => i.keyword === 'USER').at(-1)?.args;
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    expect(imageEnv(service).NODE_ENV).toBe('production');
    const healthcheck = finalStage.find((i) => i.keyword === 'HEALTHCHECK');
    expect(healthcheck?.args).toMatch(/CMD \["node",/);
    expect(healthcheck?.args).toContain('/readyz');
    expect(JSON.parse(finalStage.filter((i) => i.keyword === 'CMD').at(-1)!.args)).toEqual(['node', 'main.js']);
    // main.js is a link to the service's own entry point, made in the same step as its install.
    const main = (JSON.parse(read(`services/${service}/package.json`)) as { main: string }).main.replace(/^\.\//, '');
    expect(main).toBe('dist/main.js');
    expect(finalStage.some((i) => i.keyword === 'RUN' && i.args.includes('ln -s "services/$SERVICE/dist/main.js" main.js'))).toBe(true);
    expect(finalStage.some((i) => i.keyword === 'COPY' && i.args.includes('services/${SERVICE}/dist'))).toBe(true);
  });
});

describe('the images together', () => {
  it('keep local state and secrets out of the build context', () => {
    const ignored = read('.dockerignore').split('\n');
    for (const entry of ['**/node_modules', '**/dist', '.data', '.secrets', '.env', '.git', 'artifacts', '**/*.log']) {
      expect(ignored, entry).toContain(entry);
    }
  });

  it('serve the web build from the gateway image where WEB_DIST points', () => {
    const env = imageEnv('gateway');
    expect(env.WEB_DIST).toBe('/app/web/dist/web/browser');
    expect(read('deploy/Dockerfile')).toMatch(/^COPY --from=build \/src\/web\/dist\/web\/browser web\/dist\/web\/browser$/m);
  });
});
