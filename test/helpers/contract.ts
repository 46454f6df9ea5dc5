/**
 * Checks replies against the OpenAPI document the server serves: the status must be one the operation
 * documents, and a JSON body must match that status's schema (Ajv, JSON Schema 2020-12, as OpenAPI 3.1 says).
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';

export interface Reply {
  method: string;
  path: string;
  status: number;
  body: unknown;
}

export interface ContractChecker {
  /** What is wrong with a reply as the document describes it; empty when it conforms. */
  problems(reply: Reply): string[];
  /** The document's operations (`GET /orders/{id}`) that a checked reply matched. */
  seen: Set<string>;
}

type Doc = { paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> }>> };

export function contractChecker(document: unknown): ContractChecker {
  const doc = document as Doc;
  const ajv = new Ajv2020({ strict: false, validateFormats: false, validateSchema: false, allErrors: false });
  ajv.addSchema(doc as object, 'doc');
  const templates = Object.keys(doc.paths).map((template) => ({
    template,
    params: (template.match(/\{/g) ?? []).length,
    pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+')}$`),
  }));
  const compiled = new Map<string, ValidateFunction>();
  const seen = new Set<string>();
  return {
    seen,
    problems({ method, path, status, body }) {
      const bare = path.split('?')[0]!;
      const match = templates.filter((t) => t.pattern.test(bare) && doc.paths[t.template]![method.toLowerCase()]).sort((a, b) => a.params - b.params)[0];
      if (!match) return status === 404 || status === 405 ? [] : [`${method} ${bare}: no documented operation, yet it answered ${status}`];
      const name = `${method.toUpperCase()} ${match.template}`;
      seen.add(name);
      const response = doc.paths[match.template]![method.toLowerCase()]!.responses?.[String(status)];
      if (!response) return [`${name}: answered ${status}, which it does not document (documents ${Object.keys(doc.paths[match.template]![method.toLowerCase()]!.responses ?? {}).join(', ')})`];
      const json = response.content?.['application/json'];
      if (!json?.schema) return [];
      const pointer = `doc#/paths/${escape(match.template)}/${method.toLowerCase()}/responses/${status}/content/application~1json/schema`;
      const validate = compiled.get(pointer) ?? ajv.compile({ $ref: pointer });
      compiled.set(pointer, validate);
      if (validate(body)) return [];
      return [`${name} ${status}: the body does not match its schema: ${ajv.errorsText(validate.errors)}; body ${JSON.stringify(body).slice(0, 300)}`];
    },
  };
}

/** A JSON pointer segment (`/orders/{id}` -> `~1orders~1{id}`), URI-encoded for a `$ref`. */
function escape(segment: string): string {
  return encodeURIComponent(segment.replace(/~/g, '~0').replace(/\//g, '~1'));
}
