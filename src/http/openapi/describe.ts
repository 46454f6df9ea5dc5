/**
 * Route descriptions for the OpenAPI document, attached to the handlers and middleware that serve them, so
 * the document is read off the routes Hono serves (hono-openapi walks `app.routes`) and every schema in it
 * is the zod schema the route validates with or replies in: there is no second copy to drift.
 */
import { resolver, uniqueSymbol } from 'hono-openapi';
import type { MiddlewareHandler } from 'hono';
import { z } from 'zod';
import type { ErrorType } from '../../domain/errors.js';
import type { AppEnv } from '../app-env.js';
import { ERROR_STATUSES } from '../errors.js';

/** One problem with the request, at its field path (`lines[2].qty`); some errors add fields (the short lines). */
const ErrorDetail = z.looseObject({ path: z.string().optional(), message: z.string() }).meta({ id: 'ErrorDetail' });

/** The one error envelope every 4xx and 5xx reply has. */
export const ErrorEnvelope = z
  .strictObject({
    error: z.strictObject({
      type: z.enum(Object.keys(ERROR_STATUSES) as [ErrorType, ...ErrorType[]]),
      message: z.string(),
      details: z.array(ErrorDetail),
    }),
  })
  .meta({ id: 'Error', description: 'The error envelope: a type to branch on, a message a person can act on, and each problem with its field path.' });

/** What a route answers with one status: a description and, for JSON replies, the schema of the body. */
export interface Reply {
  description: string;
  schema?: z.ZodType;
  /** A body that is not JSON (`/metrics`, `/docs`): its media type. */
  media?: string;
}

/** A route as the document shows it. Bodies and queries are the schemas the handler validates with. */
export interface RouteDoc {
  summary: string;
  description?: string;
  /** The JSON request body; `bodyRequired: false` when an empty body is accepted. */
  body?: z.ZodType;
  bodyRequired?: boolean;
  /** Other request media types the route takes (the bulk loads' NDJSON and CSV). */
  bodyMedia?: string[];
  query?: z.ZodObject;
  /** Path parameters whose form the route checks (ids, versions); the others are plain strings. */
  params?: z.ZodObject;
  replies: Record<number, Reply>;
  /** The errors the route itself reports; those of auth, bodies and queries are added where they apply. */
  errors?: ErrorType[];
}

/** An OpenAPI fragment as hono-openapi merges it (operation fields, with zod resolvers in schema positions). */
type Fragment = Record<string, unknown>;

/**
 * Attaches an OpenAPI fragment to a middleware, merged with any it already carries; hono-openapi merges the
 * fragments of one route's middleware and handler into its operation.
 */
export function documented<F extends object>(fn: F, spec: Fragment): F {
  const carried = (fn as { [uniqueSymbol]?: { spec: Fragment } })[uniqueSymbol]?.spec;
  const merged = carried ? { ...carried, ...spec, responses: { ...(carried.responses as object), ...(spec.responses as object) } } : spec;
  return Object.assign(fn, { [uniqueSymbol]: { spec: merged } });
}

/**
 * Describes a route on the route's own `allow(...)` middleware (a fresh function per route), so that the
 * description costs no extra middleware on the request path: `app.get('/x', described(doc, allow(p)), h)`.
 */
export function described<F extends MiddlewareHandler<AppEnv>>(doc: RouteDoc, middleware: F): F {
  return documented(middleware, operation(doc));
}

/** Describes a route that has no `allow` of its own (health, docs, routes guarded by an `app.use`): a no-op middleware. */
export function describe(doc: RouteDoc): MiddlewareHandler<AppEnv> {
  return documented(async function describedRoute(_c, next) {
    await next();
  }, operation(doc));
}

/** The error responses for some error types, one per status (409 lists its three types). */
export function errorReplies(types: readonly ErrorType[]): Record<string, unknown> {
  const byStatus = new Map<number, ErrorType[]>();
  for (const t of new Set(types)) byStatus.set(ERROR_STATUSES[t], [...(byStatus.get(ERROR_STATUSES[t]) ?? []), t]);
  return Object.fromEntries(
    [...byStatus].map(([status, list]) => [
      String(status),
      { description: `Error: ${list.map((t) => `\`${t}\``).join(', ')}`, content: { 'application/json': { schema: resolver(ErrorEnvelope) } } },
    ]),
  );
}

function operation(doc: RouteDoc): Fragment {
  const errors: ErrorType[] = [...(doc.errors ?? [])];
  if (doc.body) errors.push('invalid_request', 'payload_too_large', 'request_timeout', 'unsupported_media_type');
  if (doc.query || doc.params) errors.push('invalid_request');
  const responses: Record<string, unknown> = { ...errorReplies(errors) };
  for (const [status, reply] of Object.entries(doc.replies)) {
    const media = reply.media ?? 'application/json';
    responses[status] = { description: reply.description, ...(reply.schema || reply.media ? { content: { [media]: reply.schema ? { schema: resolver(reply.schema) } : {} } } : {}) };
  }
  const parameters = [...(doc.params ? parametersOf(doc.params, 'path') : []), ...(doc.query ? parametersOf(doc.query, 'query') : [])];
  return {
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(doc.body
      ? {
          requestBody: {
            required: doc.bodyRequired ?? true,
            content: {
              'application/json': { schema: resolver(doc.body) },
              ...Object.fromEntries((doc.bodyMedia ?? []).map((m) => [m, { schema: { type: 'string' } }])),
            },
          },
        }
      : {}),
    responses,
  };
}

/** A zod object's fields as OpenAPI parameters (as the client sends them: `io: 'input'`). */
function parametersOf(schema: z.ZodObject, where: 'path' | 'query'): Fragment[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, Fragment>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property as { description?: string; type?: unknown };
    return {
      name,
      in: where,
      required: where === 'path' || (json.required ?? []).includes(name),
      ...(description ? { description } : {}),
      schema: rest,
      // Repeated keys (`sku=A&sku=B`) for arrays, as the routes read them.
      ...(rest.type === 'array' ? { style: 'form', explode: true } : {}),
    };
  });
}
