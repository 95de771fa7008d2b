// Regenerates the vendored Kubernetes JSON schemas that kubeconform validates the manifests with, so the
// check runs offline. A port of yannh/openapi2jsonschema (Apache-2.0) as its build.sh runs it for
// yannh/kubernetes-json-schema (`--expanded --kubernetes --stand-alone --strict`): same file names, same
// strictness (no unknown fields), same nullable optional fields, refs inlined. Descriptions are dropped:
// they do not take part in validation and would make the files several times larger.
//
//   node deploy/k8s/schemas/generate.mjs <swagger.json> <kubernetes version, e.g. 1.31.0> [definition ...]
//   npx prettier --write deploy/k8s/schemas
//
// The swagger.json is the Kubernetes OpenAPI v2 document of that release (api/openapi-spec/swagger.json
// in kubernetes/kubernetes, or `kubectl get --raw /openapi/v2` against a cluster of that version).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

/** The kinds the manifests use; kubeconform fails on any other (no -ignore-missing-schemas). */
const DEFAULT_KINDS = [
  'io.k8s.api.core.v1.ConfigMap',
  'io.k8s.api.core.v1.Namespace',
  'io.k8s.api.core.v1.Service',
  'io.k8s.api.apps.v1.Deployment',
  'io.k8s.api.apps.v1.StatefulSet',
  'io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler',
  'io.k8s.api.networking.v1.Ingress',
  'io.k8s.api.networking.v1.NetworkPolicy',
  'io.k8s.api.policy.v1.PodDisruptionBudget',
];

const [swaggerPath, version, ...kinds] = process.argv.slice(2);
if (!swaggerPath || !version) {
  process.stderr.write('usage: node generate.mjs <swagger.json> <kubernetes version> [definition name ...]\n');
  process.exit(2);
}
const titles = kinds.length > 0 ? kinds : DEFAULT_KINDS;

const swagger = JSON.parse(readFileSync(swaggerPath, 'utf8'));
const definitions = swagger.definitions;
definitions['io.k8s.apimachinery.pkg.util.intstr.IntOrString'] = { oneOf: [{ type: 'string' }, { type: 'integer' }] };
// Not allowed by the API, but every Kubernetes tool accepts a number for a quantity (`cpu: 1`).
definitions['io.k8s.apimachinery.pkg.api.resource.Quantity'] = { oneOf: [{ type: 'string' }, { type: 'number' }] };

const appendOnce = (schema, key, value) => {
  schema[key] ??= [];
  if (!schema[key].includes(value)) schema[key].push(value);
};
for (const definition of Object.values(definitions)) {
  for (const gvk of definition['x-kubernetes-group-version-kind'] ?? []) {
    if (definition.properties?.apiVersion)
      appendOnce(definition.properties.apiVersion, 'enum', gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version);
    if (definition.properties?.kind) appendOnce(definition.properties.kind, 'enum', gvk.kind);
  }
}

const isObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);

/** kubectl's strictness: an object that lists its properties allows no others. */
const forbidUnknownFields = (node) => {
  if (Array.isArray(node)) node.forEach(forbidUnknownFields);
  else if (isObject(node)) {
    if ('properties' in node && !('additionalProperties' in node)) node.additionalProperties = false;
    Object.values(node).forEach(forbidUnknownFields);
  }
};
Object.values(definitions).forEach(forbidUnknownFields);

/** Inlines every `$ref` (siblings of a `$ref` are dropped, as jsonref does), and drops descriptions. */
const inline = (node, stack = []) => {
  if (Array.isArray(node)) return node.map((item) => inline(item, stack));
  if (!isObject(node)) return node;
  if (typeof node.$ref === 'string') {
    const name = node.$ref.replace(/^#\/definitions\//, '');
    if (stack.includes(name)) throw new Error(`recursive definition ${[...stack, name].join(' → ')}`);
    if (!definitions[name]) throw new Error(`unknown definition ${name}`);
    return inline(definitions[name], [...stack, name]);
  }
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'description' && typeof value === 'string') continue;
    out[key] = inline(value, stack);
  }
  return out;
};

const replaceIntOrString = (node) => {
  if (Array.isArray(node)) return node.map(replaceIntOrString);
  if (!isObject(node)) return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] =
      isObject(value) && value.format === 'int-or-string'
        ? { oneOf: [{ type: 'string' }, { type: 'integer' }] }
        : replaceIntOrString(value);
  }
  return out;
};

/** kubectl accepts `null` for any field its parent does not require; so does openapi2jsonschema. */
const allowNullOptionalFields = (data, parent, grandParent, key) => {
  if (!isObject(data)) return data;
  const has = (container, name) => (Array.isArray(container) ? container.includes(name) : isObject(container) && name in container);
  const out = {};
  for (const [k, v] of Object.entries(data)) {
    if (isObject(v)) out[k] = allowNullOptionalFields(v, data, parent, k);
    else if (Array.isArray(v)) out[k] = v.map((item) => allowNullOptionalFields(item, v, parent, k));
    else if (typeof v === 'string' && k === 'type' && v !== 'null') {
      const required =
        grandParent && has(grandParent, 'required') && Array.isArray(grandParent.required) && grandParent.required.includes(key);
      out[k] = required ? v : [v, 'null'];
    } else out[k] = v;
  }
  return out;
};

const outDir = join(dirname(fileURLToPath(import.meta.url)), `v${version}-standalone-strict`);
mkdirSync(outDir, { recursive: true });
for (const title of titles) {
  const definition = definitions[title];
  if (!definition) throw new Error(`no definition ${title} in ${swaggerPath}`);
  const parts = title.split('.');
  const kind = parts.at(-1).toLowerCase();
  const group = parts.at(-3).toLowerCase();
  const apiVersion = parts.at(-2).toLowerCase();
  const name = group === 'core' || group === 'api' ? `${kind}-${apiVersion}` : `${kind}-${group}-${apiVersion}`;
  const schema = inline({
    ...definition,
    $schema: 'http://json-schema.org/schema#',
    type: definition.type ?? 'object',
    additionalProperties: false,
  });
  if (schema.properties) schema.properties = allowNullOptionalFields(replaceIntOrString(schema.properties));
  writeFileSync(join(outDir, `${name}.json`), `${JSON.stringify(schema, null, 2)}\n`);
  process.stdout.write(`${name}.json\n`);
}
