import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { restoreBackup } from '../backups/index.js';
import { DomainError } from '../domain/errors.js';

const USAGE = `Usage: npm run restore -- --from BACKUP_DIR --data NEW_DATA_DIR

Verifies a backup (its manifest.json, each file's size and SHA-256, and that the store opens whole and
covers the journal sequence the manifest says) and restores it into NEW_DATA_DIR (absent or empty). Start a
node on it with: npm start -- --data-dir NEW_DATA_DIR
(or do both at once: npm start -- --data-dir NEW_DATA_DIR --restore-from BACKUP_DIR).

Exit status: 0 restored, 1 refused (nothing is written to a data dir from a backup that does not verify).`;

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: process.argv.slice(2), options: { from: { type: 'string' }, data: { type: 'string' }, 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (e) {
    throw new DomainError('invalid_request', `${(e as Error).message}\n\n${USAGE}`);
  }
  const { values } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const data = values.data ?? values['data-dir'];
  if (!values.from || !data) throw new DomainError('invalid_request', `--from and --data are required\n\n${USAGE}`);
  const report = await restoreBackup(resolve(values.from), resolve(data));
  const m = report.manifest;
  console.log(`restored ${resolve(values.from)} into ${report.dataDir}`);
  console.log(`  journal sequence ${m.journalSeq} (taken ${m.startedAt}, ${m.mode}, Fulcrum ${m.fulcrumVersion}); ${report.journalEntries} journal entries to replay at start`);
  console.log(`start a node on it: npm start -- --data-dir ${report.dataDir}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`restore: ${e instanceof DomainError ? e.message : (e as Error).stack}`);
    process.exit(1);
  },
);
