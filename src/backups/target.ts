import { accessSync, constants, readdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { DomainError } from '../domain/errors.js';

/**
 * Checks where a backup is to go, before anything is copied: an absolute path (it names a place on the
 * server's disk, and the server's working directory is nobody's business), outside the data dir (a copy inside
 * it would be copied by the next backup), a new directory under an existing writable one, or an empty
 * directory. A non-empty one is a conflict: an old backup is never overwritten or mixed with a new one.
 */
export function checkTarget(to: string, dataDir: string): string {
  const refuse = (message: string) => new DomainError('invalid_request', message, [{ path: 'to', message }]);
  if (!isAbsolute(to)) throw refuse(`'${to}' is not an absolute path; name the backup directory from the root (/var/backups/fulcrum/2026-12-04)`);
  const target = resolve(to);
  const data = resolve(dataDir);
  if (inside(target, data) || inside(data, target)) throw refuse(`'${target}' overlaps the data dir ${data}; put backups elsewhere`);
  let stats;
  try {
    stats = statSync(target);
  } catch {
    stats = undefined;
  }
  if (stats) {
    if (!stats.isDirectory()) throw refuse(`'${target}' exists and is not a directory`);
    if (readdirSync(target).length > 0) {
      const message = `'${target}' is not empty; a backup goes into a new or empty directory`;
      throw new DomainError('conflict', message, [{ path: 'to', message }]);
    }
    writable(target, refuse);
    return target;
  }
  const parent = dirname(target);
  let parentStats;
  try {
    parentStats = statSync(parent);
  } catch {
    parentStats = undefined;
  }
  if (!parentStats?.isDirectory()) throw refuse(`'${parent}' does not exist; create it first (the backup creates only its own directory)`);
  writable(parent, refuse);
  return target;
}

function writable(dir: string, refuse: (m: string) => DomainError): void {
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch {
    throw refuse(`the server may not write in '${dir}'`);
  }
}

/** Whether `path` is `dir` or below it. */
function inside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}
