import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, from `dist/test/architecture/` (compiled) or `test/architecture/` (source). */
const ROOT = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
})();

const BUILTIN = new Set(builtinModules);

/** The static imports of the source tree (`src`, `actors`, `snapshots`), type imports and re-exports included. */
export interface ImportGraph {
  /** Every source file, by path from the repository root. */
  files: Set<string>;
  /** file -> the source files it imports. */
  edges: Map<string, string[]>;
  /** file -> the npm packages it imports (node built-ins left out). */
  packages: Map<string, string[]>;
  /** The folder a file belongs to: `src/<module>`, `src` for the wiring files at the top, `actors`, `snapshots`. */
  unitOf(file: string): string;
  /** Imports leaving files of `unit`, as [from, to]. */
  importsOf(unit: string): Array<[string, string]>;
  /** Packages imported by files of `unit`. */
  packagesOf(unit: string): string[];
  /** Files reachable from `file` through imports (itself included). */
  reachableFrom(file: string): Set<string>;
  /** Each strongly connected group of more than one file. */
  fileCycles(): string[][];
}

const IMPORT = /^\s*(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;

/** Reads the source tree and resolves every relative import to a file. */
export function importGraph(): ImportGraph {
  const files = new Set<string>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(join(ROOT, dir))) {
      const path = `${dir}/${name}`;
      if (statSync(join(ROOT, path)).isDirectory()) walk(path);
      else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) files.add(path);
    }
  };
  for (const top of ['src', 'actors', 'snapshots']) walk(top);
  const edges = new Map<string, string[]>();
  const packages = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const out: string[] = [];
    const pkgs: string[] = [];
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[1]!;
      if (spec.startsWith('.')) {
        const target = relative(ROOT, resolve(ROOT, dirname(file), spec)).replace(/\.js$/, '.ts');
        if (!files.has(target)) throw new Error(`${file} imports '${spec}', which is not a source file`);
        out.push(target);
      } else if (!spec.startsWith('node:') && !BUILTIN.has(spec)) {
        pkgs.push(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
      }
    }
    edges.set(file, out);
    packages.set(file, pkgs);
  }
  const unitOf = (file: string): string => {
    const parts = file.split('/');
    if (parts[0] !== 'src') return parts[0]!;
    return parts.length > 2 ? `src/${parts[1]}` : 'src';
  };
  return {
    files,
    edges,
    packages,
    unitOf,
    importsOf: (unit) => [...edges].filter(([from]) => unitOf(from) === unit).flatMap(([from, tos]) => tos.map((to): [string, string] => [from, to])),
    packagesOf: (unit) => [...new Set([...packages].filter(([f]) => unitOf(f) === unit).flatMap(([, p]) => p))].sort(),
    reachableFrom(file) {
      const seen = new Set<string>([file]);
      const todo = [file];
      while (todo.length > 0) for (const to of edges.get(todo.pop()!) ?? []) if (!seen.has(to)) seen.add(to), todo.push(to);
      return seen;
    },
    fileCycles: () => stronglyConnected(edges),
  };
}

/** Cycles between folders: each strongly connected group of units in the folder-level graph. */
export function moduleCycles(graph: ImportGraph): string[][] {
  const units = new Map<string, string[]>();
  for (const [from, tos] of graph.edges) {
    const a = graph.unitOf(from);
    const out = units.get(a) ?? [];
    for (const to of tos) if (graph.unitOf(to) !== a && !out.includes(graph.unitOf(to))) out.push(graph.unitOf(to));
    units.set(a, out);
  }
  return stronglyConnected(units);
}

/** Tarjan's strongly connected components of size > 1, each sorted, for stable messages. */
function stronglyConnected(edges: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const group: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      group.push(w);
    } while (w !== v);
    if (group.length > 1) groups.push(group.sort());
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return groups;
}
