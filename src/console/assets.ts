/**
 * The console's static files (built by `npm run build` into dist/console), read into memory once at start:
 * serving one is a map lookup, so the console costs the engine's thread nothing beyond its API reads.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};

/** One file ready to send. */
export interface ConsoleAsset {
  body: Buffer;
  type: string;
  etag: string;
}

/** The console's files by URL path under `/console/` (`index.html`, `app.js`, `plugins/acme.js`, ...). */
export class ConsoleAssets {
  readonly #files = new Map<string, ConsoleAsset>();

  /** Reads every file under `dir`; a missing dir leaves the console unbuilt (its page says how to build it). */
  constructor(dir: string) {
    if (!existsSync(dir)) return;
    for (const path of walk(dir)) this.add(relative(dir, path).split(sep).join('/'), readFileSync(path));
  }

  /** Adds a file (a plugin's tile script) under a path. */
  add(path: string, body: Buffer): void {
    const etag = `"${createHash('sha1').update(body).digest('base64url').slice(0, 16)}"`;
    this.#files.set(path, { body, type: TYPES[extname(path)] ?? 'application/octet-stream', etag });
  }

  get(path: string): ConsoleAsset | undefined {
    return this.#files.get(path);
  }

  /** Paths of the plugin tile scripts, for the console to import at start. */
  plugins(): string[] {
    return [...this.#files.keys()].filter((p) => p.startsWith('plugins/') && p.endsWith('.js')).sort();
  }

  get built(): boolean {
    return this.#files.has('index.html');
  }
}

function* walk(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else yield path;
  }
}
