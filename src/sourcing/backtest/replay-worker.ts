import { parseSourcingProfile, type SourcingProfile } from '../profile.js';
import { replayChunk } from './replay-chunk.js';
import type { ReplayReply, ReplayTask } from './replay-messages.js';

/** Parsed profiles by draft key or `id@version`: a backtest sends the same ones with every chunk. */
const parsed = new Map<string, SourcingProfile>();
const KEPT_PROFILES = 64;

/**
 * Piscina worker entry: replays one chunk of a backtest. Profiles come as documents and are parsed here
 * without plugins (a backtest refuses profiles with plugin parts before it starts).
 */
export default function replayTask(task: ReplayTask): ReplayReply {
  const draft = profile(`draft:${task.draftKey}`, task.draft);
  const live = new Map(task.live.map((doc) => [`${doc.id}@${doc.version}`, profile(`live:${doc.id}@${doc.version}`, doc)]));
  return replayChunk(task, { draft, live });
}

function profile(key: string, document: unknown): SourcingProfile {
  let p = parsed.get(key);
  if (!p) {
    if (parsed.size >= KEPT_PROFILES) parsed.clear();
    parsed.set(key, (p = parseSourcingProfile(document)));
  }
  return p;
}
