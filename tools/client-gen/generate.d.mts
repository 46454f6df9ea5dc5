/** The TypeScript types (`paths`, `components`, `operations`) of an OpenAPI document, as `src/client/paths.ts` holds them. */
export function clientTypes(document: unknown): Promise<string>;
