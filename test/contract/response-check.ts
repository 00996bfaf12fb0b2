// Checks answers the API gave against /openapi.json: the operation is documented, the status is
// documented for it, and a JSON body is valid against the schema documented for that status
// (JSON Schema 2020-12, which OpenAPI 3.1 uses, with ajv and its formats).
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { OpenApiDocument } from './schema-walk.js';

export interface Answer {
  method: string;
  /** The path called, query string included. */
  path: string;
  status: number;
  contentType: string;
  text: string;
}

interface Template {
  path: string;
  pattern: RegExp;
  literals: number;
}

export class ResponseChecker {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly templates: Template[];
  /** Operation and status of every answer checked, e.g. "GET /v1/loans/{loanId} 200". */
  readonly covered = new Set<string>();

  constructor(private readonly doc: OpenApiDocument) {
    addFormats.default(this.ajv);
    this.templates = Object.keys(doc.paths).map((path) => {
      const segments = path.split('/');
      const source = segments
        .map((s) => (/^\{[^}]+\}$/.test(s) ? '[^/]+' : s.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
        .join('/');
      return { path, pattern: new RegExp(`^${source}$`), literals: segments.filter((s) => !s.startsWith('{')).length };
    });
  }

  /** The documented path an answer's path is an instance of: the one with the most literal segments. */
  templateOf(path: string): string | undefined {
    const bare = path.split('?')[0]!;
    return this.templates
      .filter((t) => t.pattern.test(bare))
      .sort((a, b) => b.literals - a.literals)
      .at(0)?.path;
  }

  /** What is wrong with an answer, if anything: one line naming the operation and the status. */
  problemsOf(answer: Answer): string[] {
    const template = this.templateOf(answer.path);
    const method = answer.method.toLowerCase();
    const operation = template ? this.doc.paths[template]?.[method] : undefined;
    if (!template || !operation) return [`${answer.method} ${answer.path}: operation not documented`];
    const name = `${answer.method} ${template} ${answer.status}`;
    const response = operation.responses?.[String(answer.status)] ?? operation.responses?.default;
    if (!response) return [`${name}: status not documented`];
    this.covered.add(name);
    if (!answer.contentType.includes('json')) return [];
    const schema = response.content?.['application/json']?.schema;
    if (!schema) return [`${name}: answers JSON, documents no JSON body`];
    const validate = this.validatorFor(name, schema);
    const body: unknown = answer.text ? JSON.parse(answer.text) : null;
    if (validate(body)) return [];
    const errors = (validate.errors ?? [])
      .slice(0, 12)
      .map((e) => `${e.instancePath || '(body)'} ${e.message ?? ''}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
    return [`${name}: body does not match the documented schema: ${errors.join('; ')}`];
  }

  private validatorFor(name: string, schema: object): ValidateFunction {
    let validate = this.validators.get(name);
    if (!validate) {
      validate = this.ajv.compile({ ...schema, components: this.doc.components });
      this.validators.set(name, validate);
    }
    return validate;
  }
}
