/** The console's entry: registers the built-in tiles, loads plugin tiles, and renders sign-in or the shell. */
import { effect } from '@preact/signals';
import { render } from 'preact';
import { startFeed, stopFeed } from './feed.js';
import { loadPlugins } from './registry.js';
import { apiKey, me, resume } from './session.js';
import { Shell, SignIn } from './shell.js';
import { registerBuiltInTiles } from './tiles/index.js';

registerBuiltInTiles();

function App() {
  return me.value ? <Shell /> : <SignIn />;
}

effect(() => {
  if (apiKey.value) startFeed(apiKey.value);
  else stopFeed();
});

const failed = await loadPlugins();
for (const f of failed) console.warn(`fulcrum console: plugin not loaded: ${f}`);
await resume();
const root = document.getElementById('app')!;
root.textContent = '';
render(<App />, root);
