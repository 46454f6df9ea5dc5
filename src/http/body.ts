import { isUtf8 } from 'node:buffer';
import type { Context } from 'hono';
import type { z } from 'zod';
import { DomainError, formatPath } from '../domain/errors.js';
import type { AppEnv } from './env.js';

/** The request body as text, read once and cached; invalid UTF-8 is a 400, not a silent replacement. */
export async function rawBody(c: Context<AppEnv>): Promise<string> {
  const cached = c.get('rawBody');
  if (cached !== undefined) return cached;
  const bytes = Buffer.from(await c.req.arrayBuffer());
  if (!isUtf8(bytes)) throw new DomainError('invalid_request', 'the request body is not valid UTF-8');
  const text = bytes.toString('utf8');
  c.set('rawBody', text);
  return text;
}

/** Parses a JSON body without validating it (documents validated by their own module: workflows, profiles). */
export async function jsonDocument(c: Context<AppEnv>, options: { optional?: boolean } = {}): Promise<unknown> {
  const text = await rawBody(c);
  if (text.trim() === '' && options.optional) return {};
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new DomainError('invalid_request', `the request body is not valid JSON: ${(e as Error).message}`);
  }
}

/** Parses and validates a JSON body; every problem is reported with its field path. */
export async function jsonBody<S extends z.ZodType>(c: Context<AppEnv>, schema: S, options: { optional?: boolean } = {}): Promise<z.output<S>> {
  return validate(schema, await jsonDocument(c, options), 'the request body is not valid');
}

/** Validates a value against a schema, turning issues into a 400 with field paths. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, message: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new DomainError(
    'invalid_request',
    message,
    parsed.error.issues.map((i) => ({ path: formatPath(i.path) || '(body)', message: i.message })),
  );
}
