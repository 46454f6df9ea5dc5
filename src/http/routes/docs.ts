import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Hono } from 'hono';
import { DomainError } from '../../domain/errors.js';
import type { AppEnv } from '../env.js';
import { describe } from '../openapi/describe.js';
import { openApiDocument, type OpenApiDocument } from '../openapi/document.js';
import { AnyRecord } from '../replies.js';

/** The API's version as the document states it. */
const API_VERSION = '0.1.0';

/** The Swagger UI files `/docs` serves, from the installed `swagger-ui-dist` package: no CDN. */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Fulcrum API reference</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
<link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
</head>
<body>
<div id="reference"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/start.js"></script>
</body>
</html>
`;

/** Starts Swagger UI on the document; a separate file rather than an inline script, so a strict CSP can allow it. */
const START = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#reference', deepLinking: true, persistAuthorization: false });\n`;

/**
 * `GET /openapi.json` (the OpenAPI 3.1 document of `app`, built once on first request) and `GET /docs` (the
 * reference page), served without a key: they describe the API and hold no data.
 */
export function docsRoutes(app: Hono<AppEnv>): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  let document: Promise<OpenApiDocument> | undefined;
  const files = new Map<string, Buffer>();
  routes.get(
    '/openapi.json',
    describe({ summary: 'The OpenAPI 3.1 document', description: 'No key needed.', replies: { 200: { description: 'This document', schema: AnyRecord } } }),
    async (c) => c.json(await (document ??= openApiDocument(app, API_VERSION))),
  );
  routes.get('/docs', describe({ summary: 'The API reference page', description: 'No key needed.', replies: { 200: { description: 'Swagger UI on this document', media: 'text/html' } } }), (c) => c.html(PAGE));
  routes.get(
    '/docs/:asset',
    describe({ summary: "A file of the reference page's", replies: { 200: { description: 'The file', media: 'application/octet-stream' } }, errors: ['not_found'] }),
    (c) => {
      const name = c.req.param('asset');
      if (name === 'start.js') return c.body(START, 200, { 'Content-Type': 'text/javascript; charset=utf-8' });
      const type = ASSETS[name];
      if (!type) throw new DomainError('not_found', `no file '${name}' in the reference page`);
      let bytes = files.get(name);
      if (!bytes) files.set(name, (bytes = readFileSync(join(swaggerUiDir(), name))));
      return c.body(new Uint8Array(bytes), 200, { 'Content-Type': type, 'Cache-Control': 'public, max-age=3600' });
    },
  );
  return routes;
}

function swaggerUiDir(): string {
  return dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
}
