// Validates recorded answers of the serving layer against its OpenAPI 3.0 description with ajv,
// the validator most JavaScript and many gateway tools use.
//
//   node validate-responses.mjs <openapi.json> <exchanges.json>
//
// exchanges.json (route: the path template, or "(no route)"):
//                 [{"route": "/health", "method": "get", "status": 200,
//                   "contentType": "application/json", "body": "..."}]
// Each answer must have a status the operation documents (or a documented default), a media type
// the response lists, and, for JSON, a body that validates against the response's schema,
// formats included (date-time is RFC 3339 with seconds). Prints one line per problem; exit 1 if
// any, 2 on bad usage.
import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';

const [specPath, exchangesPath] = process.argv.slice(2);
if (!specPath || !exchangesPath) {
  console.error('usage: node validate-responses.mjs <openapi.json> <exchanges.json>');
  process.exit(2);
}
const spec = JSON.parse(readFileSync(specPath, 'utf8'));
const exchanges = JSON.parse(readFileSync(exchangesPath, 'utf8'));

// OpenAPI 3.0 schemas are a JSON Schema dialect: ajv reads `nullable` itself; `example` is an
// annotation. strict mode stays on for the schemas, so an unknown keyword fails the run.
const ajv = new Ajv({ allErrors: true, strict: true, keywords: ['example'] });
addFormats(ajv);
// the description's schemas as one JSON Schema document that response schemas refer into
ajv.addSchema({ $id: 'spec', definitions: rewriteRefs(spec.components?.schemas ?? {}) });

function rewriteRefs(node) {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (node && typeof node === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(node)) {
      out[k] =
        k === '$ref' && typeof v === 'string'
          ? v.replace(/^#\/components\/schemas\//, 'spec#/definitions/')
          : rewriteRefs(v);
    }
    return out;
  }
  return node;
}

function resolve(obj) {
  let seen = 0;
  while (obj && obj.$ref) {
    if (++seen > 10) throw new Error(`reference loop at ${obj.$ref}`);
    const path = obj.$ref.replace(/^#\//, '').split('/');
    obj = path.reduce((o, k) => (o == null ? undefined : o[k.replace(/~1/g, '/').replace(/~0/g, '~')]), spec);
  }
  return obj;
}

const problems = [];
// the parameters' schemas compile too (a pattern ajv cannot read fails here, not in a client)
for (const [name, parameter] of Object.entries(spec.components?.parameters ?? {})) {
  try {
    ajv.compile(rewriteRefs(parameter.schema));
  } catch (e) {
    problems.push(`parameter ${name}: its schema does not compile: ${e.message}`);
  }
}

const compiled = new Map();
function validatorFor(schema) {
  const key = JSON.stringify(schema);
  if (!compiled.has(key)) compiled.set(key, ajv.compile(rewriteRefs(schema)));
  return compiled.get(key);
}

/** The route of an answer to a path that matches no route of the description. */
const UNROUTED = '(no route)';
let checked = 0;
for (const x of exchanges) {
  const where = `${x.method.toUpperCase()} ${x.target ?? x.route} -> ${x.status}`;
  let response;
  if (x.route === UNROUTED) {
    // a path of no route: the description cannot list it, its one answer is NotFound
    if (x.status !== 404) {
      problems.push(`${where}: a path with no route answers 404 (components/responses/NotFound), not ${x.status}`);
      continue;
    }
    response = spec.components?.responses?.NotFound;
  } else {
    const operation = spec.paths?.[x.route]?.[x.method];
    if (!operation) {
      problems.push(`${where}: the description has no operation ${x.method} ${x.route}`);
      continue;
    }
    response = resolve(operation.responses[String(x.status)] ?? operation.responses.default);
  }
  if (!response) {
    problems.push(`${where}: status ${x.status} is not documented for ${x.route}`);
    continue;
  }
  const mediaType = (x.contentType ?? '').split(';')[0].trim();
  const content = response.content?.[mediaType];
  if (!content) {
    problems.push(`${where}: media type '${mediaType}' is not documented (documented: ${Object.keys(response.content ?? {}).join(', ') || 'none'})`);
    continue;
  }
  if (mediaType === 'application/json') {
    let body;
    try {
      body = JSON.parse(x.body);
    } catch (e) {
      problems.push(`${where}: the body is not JSON: ${e.message}`);
      continue;
    }
    const validate = validatorFor(content.schema);
    if (!validate(body)) {
      for (const e of validate.errors) {
        problems.push(`${where}: ${e.instancePath || '(body)'} ${e.message}${e.params && Object.keys(e.params).length ? ' ' + JSON.stringify(e.params) : ''}`);
      }
    }
  }
  checked++;
}
for (const p of problems) console.log(p);
console.log(`checked ${checked} of ${exchanges.length} answers, ${problems.length} problems`);
process.exit(problems.length === 0 ? 0 : 1);
