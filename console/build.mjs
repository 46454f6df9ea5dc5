// Builds the console into dist/console: type-checked TypeScript (Preact + signals) bundled by esbuild,
// with uPlot's stylesheet, into files Fulcrum serves from memory. Run by `npm run build`, `npm start`
// and `npm test`; nothing is fetched at run time (no CDN).
import { build } from 'esbuild';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'dist', 'console');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const started = Date.now();
await build({
  entryPoints: { app: join(here, 'src', 'main.tsx') },
  bundle: true,
  format: 'esm',
  target: 'es2022',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  minify: true,
  sourcemap: true,
  outdir: out,
  logLevel: 'warning',
  legalComments: 'linked',
});
const css = readFileSync(join(here, '..', 'node_modules', 'uplot', 'dist', 'uPlot.min.css'), 'utf8') + readFileSync(join(here, 'src', 'styles.css'), 'utf8');
writeFileSync(join(out, 'app.css'), css);
cpSync(join(here, 'index.html'), join(out, 'index.html'));
console.log(`console: built dist/console in ${Date.now() - started} ms`);
