// Reads an OpenAPI 3.1 document's schemas: finds every place a request or response body is not
// described, i.e. a schema of any value (no type) or an object that names none of its fields and
// says nothing of their values.

export interface Schema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  [keyword: string]: unknown;
}

export interface Operation {
  requestBody?: { content: Record<string, { schema?: Schema }> };
  responses?: Record<string, { content?: Record<string, { schema?: Schema }>; headers?: Record<string, unknown> }>;
  [key: string]: unknown;
}

export interface OpenApiDocument {
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

/** Keywords that only annotate: an allOf part made of these adds no description of the value. */
const ANNOTATIONS = new Set(['description', 'example', 'examples', 'default', 'title', 'deprecated', 'readOnly']);

function annotationOnly(part: Schema): boolean {
  if (part.$ref || part.properties || part.items || part.anyOf || part.oneOf || part.allOf || part.enum) return false;
  if ('const' in part) return false;
  // {type: ['object', 'null']} beside a $ref only makes the referenced object nullable.
  const keys = Object.keys(part).filter((k) => !ANNOTATIONS.has(k));
  return keys.length === 0 || (keys.length === 1 && keys[0] === 'type');
}

function typeList(schema: Schema): string[] {
  return Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
}

function describesValues(extra: Schema['additionalProperties']): boolean {
  return typeof extra === 'object' && Object.keys(extra).length > 0;
}

/** Where `schema` leaves a value undescribed, by path from `at`. */
export function untypedSchemas(doc: OpenApiDocument, schema: Schema | undefined, at: string): string[] {
  const found: string[] = [];
  const visit = (s: Schema | undefined, where: string, seen: ReadonlySet<string>): void => {
    if (!s) {
      found.push(`${where}: no schema`);
      return;
    }
    if (s.$ref) {
      const name = s.$ref.replace('#/components/schemas/', '');
      if (seen.has(name)) return;
      const target = doc.components.schemas[name];
      if (!target) found.push(`${where}: ${s.$ref} is not defined`);
      else visit(target, `${where}(${name})`, new Set([...seen, name]));
      return;
    }
    if (s.allOf) {
      const described = s.allOf.filter((part) => !annotationOnly(part));
      if (described.length === 0) found.push(`${where}: allOf of annotations only`);
      described.forEach((part, i) => visit(part, `${where}.allOf[${i}]`, seen));
      return;
    }
    for (const key of ['anyOf', 'oneOf'] as const) {
      if (s[key]) {
        s[key].forEach((part, i) => visit(part, `${where}.${key}[${i}]`, seen));
        return;
      }
    }
    if (s.enum || 'const' in s) return;
    const types = typeList(s);
    if (types.length === 0) {
      found.push(`${where}: any value (no type)`);
      return;
    }
    if (types.includes('object')) {
      const properties = Object.entries(s.properties ?? {});
      if (properties.length === 0 && !describesValues(s.additionalProperties)) found.push(`${where}: untyped object`);
      for (const [name, property] of properties) visit(property, `${where}.${name}`, seen);
      if (describesValues(s.additionalProperties)) visit(s.additionalProperties as Schema, `${where}{*}`, seen);
    }
    if (types.includes('array')) visit(s.items, `${where}[]`, seen);
  };
  visit(schema, at, new Set());
  return found;
}

/** Every JSON request and response body of the document, with where it is. */
export function jsonBodies(doc: OpenApiDocument): Array<{ at: string; schema: Schema | undefined }> {
  const bodies: Array<{ at: string; schema: Schema | undefined }> = [];
  for (const [path, operations] of Object.entries(doc.paths))
    for (const [method, operation] of Object.entries(operations)) {
      const name = `${method.toUpperCase()} ${path}`;
      for (const [type, content] of Object.entries(operation.requestBody?.content ?? {}))
        if (type.includes('json')) bodies.push({ at: `${name} request`, schema: content.schema });
      for (const [status, response] of Object.entries(operation.responses ?? {}))
        for (const [type, content] of Object.entries(response.content ?? {}))
          if (type.includes('json')) bodies.push({ at: `${name} ${status}`, schema: content.schema });
    }
  return bodies;
}
