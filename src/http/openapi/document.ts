/** The OpenAPI 3.1 document of the API, read off the routes the app serves (`GET /openapi.json`). */
import type { Hono } from 'hono';
import { generateSpecs } from 'hono-openapi';
import type { AppEnv } from '../app-env.js';
import { BEARER_KEY } from './access.js';

/** An OpenAPI document as JSON. */
export type OpenApiDocument = Awaited<ReturnType<typeof generateSpecs>>;

/** The reference page's sections, in the order a reader meets the API: selling first, configuration, then operations. */
const TAGS = ['orders', 'availability', 'holds', 'inventory', 'fulfilments', 'returns', 'transfers', 'inbound', 'supply-rules', 'alerts', 'sourcing', 'locations', 'products', 'pools', 'statuses', 'purchase-limits', 'return-policies', 'sourcing-profiles', 'workflows', 'webhooks', 'jobs', 'audit', 'metrics', 'health', 'docs'];

type Operation = { description?: string; tags?: string[]; security?: unknown[]; 'x-roles'?: string[] };

/**
 * Builds the document from the descriptions on the app's routes (see describe.ts), then adds what every
 * operation shares: a tag from its first path segment, and its roles written into its description.
 */
export async function openApiDocument(app: Hono<AppEnv>, version: string): Promise<OpenApiDocument> {
  const doc = await generateSpecs(app, {
    documentation: {
      info: {
        title: 'Fulcrum',
        version,
        description:
          'Distributed order management: real-time inventory, sourcing, workflows. Every request but `/health`, `/openapi.json` and `/docs` sends `Authorization: Bearer <key>`; each operation lists the roles whose keys may call it (`x-roles`). Errors are `{"error": {"type", "message", "details"}}`.',
      },
      tags: TAGS.map((name) => ({ name })),
      components: {
        securitySchemes: {
          [BEARER_KEY]: { type: 'http', scheme: 'bearer', description: 'An API key from `FULCRUM_API_KEYS` (`key:role,...`); roles: admin, ops, storefront, publishable.' },
        },
      },
    },
    // Refusals are described with the error envelope on each route; the library's own 400 shape is not ours.
    defaultValidationErrorResponse: false,
    // `/openapi.json` is a route like any other, not a static file.
    excludeStaticFile: false,
  });
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    const first = path.split('/')[1] || 'root';
    const tag = first === 'openapi.json' ? 'docs' : first;
    for (const operation of Object.values(item ?? {}) as Operation[]) {
      operation.tags = [tag];
      // A guard set with `app.use` is merged once per described middleware of the route: keep one copy.
      if (operation.security) operation.security = [...new Set(operation.security.map((s) => JSON.stringify(s)))].map((s) => JSON.parse(s) as unknown);
      const roles = operation['x-roles'];
      if (roles) operation.description = `${operation.description ? `${operation.description}\n\n` : ''}Roles: ${roles.map((r) => `\`${r}\``).join(', ')}.`;
    }
  }
  return doc;
}
