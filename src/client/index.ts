/**
 * The typed client of the Fulcrum API: openapi-fetch over the types generated from `GET /openapi.json`
 * (`npm run client` regenerates `paths.ts`). Paths, parameters, bodies and replies are checked at compile time:
 *
 *   const fulcrum = createClient('http://127.0.0.1:8080', key);
 *   const { data, error } = await fulcrum.GET('/orders/{id}', { params: { path: { id } } });
 */
import createFetchClient, { type Client } from 'openapi-fetch';
import type { paths } from './paths.js';

export type { components, operations, paths } from './paths.js';

/** A client of the API at `baseUrl` that sends `key` as its bearer key on every request. */
export function createClient(baseUrl: string, key: string): Client<paths> {
  return createFetchClient<paths>({ baseUrl: baseUrl.replace(/\/+$/, ''), headers: { Authorization: `Bearer ${key}` } });
}
