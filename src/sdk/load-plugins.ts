import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DomainError } from '../domain/errors.js';
import { isPlugin, type FulcrumPlugin } from './plugin.js';

/**
 * Imports every `*.js` module of `dir` (not recursive, in file-name order) and returns their default
 * exports, each of which must be made by `definePlugin`. Uses no main-thread state, so a worker can
 * load the same directory.
 */
export async function loadPlugins(dir: string): Promise<FulcrumPlugin[]> {
  const root = resolve(dir);
  const files = (await readdir(root, { withFileTypes: true }))
    .filter((entry) => entry.isFile() && entry.name.endsWith('.js'))
    .map((entry) => entry.name)
    .sort();
  const plugins: FulcrumPlugin[] = [];
  for (const file of files) {
    plugins.push(await loadPluginModule(join(root, file)));
  }
  return plugins;
}

/** Imports one plugin module by path; its default export must be made by `definePlugin`. */
export async function loadPluginModule(path: string): Promise<FulcrumPlugin> {
  const module = (await import(pathToFileURL(resolve(path)).href)) as { default?: unknown };
  if (!isPlugin(module.default)) {
    throw new DomainError('invalid_request', `plugin module ${path} must export default definePlugin({...})`, [
      { path, message: 'default export is not a plugin' },
    ]);
  }
  return module.default;
}
