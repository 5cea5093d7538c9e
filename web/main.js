// The page: starts the machine, wires the controls, and offers `window.heirloom` to
// embedders and tests.
import init, * as core from './heirloom_web.js';
import { startApp } from './wasm-app.js';

const $ = (id) => document.getElementById(id);
const status = (text) => { $('status').textContent = text; };

// ---- saved states: IndexedDB, one store, survives reloads ---------------------------
const DB_NAME = 'heirloom';
const STORE = 'states';

function database() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function storeState(slot, bytes) {
  const db = await database();
  await new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, 'readwrite');
    tx.objectStore(STORE).put(bytes, slot);
    tx.oncomplete = resolve;
    tx.onerror = () => reject(tx.error);
  });
  db.close();
}

async function fetchState(slot) {
  const db = await database();
  const bytes = await new Promise((resolve, reject) => {
    const request = db.transaction(STORE).objectStore(STORE).get(slot);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  db.close();
  return bytes;
}

// ---- the server: behind Heirloom's server, states are kept per user and app there -----
let server = null; // the signed-in session ({ csrf }), when the page is served by Heirloom's server
let libraryApp = null; // the library id of what runs, when it came from the server's library

async function connectServer() {
  try {
    const response = await fetch('/api/session', { credentials: 'same-origin' });
    if (response.ok && response.headers.get('content-type')?.includes('json')) server = await response.json();
  } catch {
    server = null;
  }
}

function saveUrl(slot) {
  return `/api/saves/${encodeURIComponent(libraryApp)}/${encodeURIComponent(slot)}`;
}

async function storeStateOnServer(slot, bytes) {
  const response = await fetch(saveUrl(slot), {
    method: 'PUT',
    credentials: 'same-origin',
    headers: { 'X-CSRF-Token': server.csrf, 'Content-Type': 'application/octet-stream' },
    body: bytes,
  });
  if (!response.ok) throw new Error(`the server did not keep the state (${response.status})`);
}

async function fetchStateFromServer(slot) {
  const response = await fetch(saveUrl(slot), { credentials: 'same-origin' });
  return response.ok ? new Uint8Array(await response.arrayBuffer()) : null;
}

// ---- sound: an AudioWorklet fed by the core, started by the first gesture -------------
let audio = null;

async function startAudio() {
  if (audio) return;
  const context = new AudioContext({ latencyHint: 'interactive' });
  audio = { context };
  await context.audioWorklet.addModule(new URL('audio-worklet.js', import.meta.url));
  const node = new AudioWorkletNode(context, 'heirloom-audio', { outputChannelCount: [2] });
  const gain = new GainNode(context, { gain: Number($('volume').value) });
  node.connect(gain).connect(context.destination);
  core.startAudio(context.sampleRate);
  node.port.onmessage = (event) => {
    const samples = core.pullAudio(event.data);
    node.port.postMessage(samples, [samples.buffer]);
  };
  audio.gain = gain;
  await context.resume();
  $('sound-hint').hidden = true;
}

// ---- files ------------------------------------------------------------------------------
let app = null;
let paused = false;
const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

async function loadFile(bytes, name) {
  const data = new Uint8Array(bytes);
  libraryApp = null;
  app?.stop();
  app = null;
  if (WASM_MAGIC.every((byte, i) => data[i] === byte)) {
    // A wasm app runs in the browser's own engine, with the same imports as natively.
    app = await startApp(core, data, name, {
      onStop: (message) => { status(message); },
      isPaused: () => paused,
    });
  } else {
    core.load(data, name);
  }
  status(`Running ${name}`);
}

async function bootUrl(url) {
  const response = await fetch(url, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${response.statusText}`);
  const path = new URL(url, location.href).pathname;
  const name = decodeURIComponent(path.split('/').pop() || 'program');
  await loadFile(await response.arrayBuffer(), name);
  libraryApp = path.startsWith('/apps/') ? name : null;
}

// ---- screenshots: the core's own pixels, as a PNG ----------------------------------------
function screenshot() {
  const width = core.frameWidth();
  const height = core.frameHeight();
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const pixels = new ImageData(new Uint8ClampedArray(core.frame()), width, height);
  canvas.getContext('2d').putImageData(pixels, 0, 0);
  return new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
}

// ---- input ------------------------------------------------------------------------------
const PAD_BUTTONS = [ // standard Gamepad API layout → shell button bits
  [0, 1 << 4], [1, 1 << 5], [2, 1 << 6], [3, 1 << 7], [4, 1 << 8], [5, 1 << 9],
  [8, 1 << 10], [9, 1 << 11], [10, 1 << 12], [11, 1 << 13], [12, 1 << 0], [13, 1 << 1],
  [14, 1 << 2], [15, 1 << 3], [16, 1 << 14],
];
let touchButtons = 0;

function pollGamepads() {
  const pads = navigator.getGamepads ? navigator.getGamepads() : [];
  for (let index = 0; index < 4; index += 1) {
    const pad = pads[index];
    // The touch joystick is the first pad, together with any real one there.
    let bits = index === 0 ? touchButtons : 0;
    let axes = new Float32Array(0);
    if (pad && pad.connected) {
      for (const [button, bit] of PAD_BUTTONS) if (pad.buttons[button]?.pressed) bits |= bit;
      axes = Float32Array.from(pad.axes.slice(0, 4));
    }
    core.setGamepad(index, Boolean(pad?.connected) || bits !== 0, bits, axes);
  }
  requestAnimationFrame(pollGamepads);
}

function wireTouch() {
  $('touch').hidden = !matchMedia('(pointer: coarse)').matches;
  const hold = (element, bit) => {
    element.addEventListener('pointerdown', (e) => { touchButtons |= bit; element.setPointerCapture(e.pointerId); });
    for (const end of ['pointerup', 'pointercancel']) element.addEventListener(end, () => { touchButtons &= ~bit; });
  };
  const dirs = { up: 1 << 0, down: 1 << 1, left: 1 << 2, right: 1 << 3 };
  for (const button of $('stick').querySelectorAll('button')) hold(button, dirs[button.dataset.dir]);
  hold($('fire'), 1 << 4);
  $('keyboard-toggle').addEventListener('click', () => {
    const keyboard = $('keyboard');
    keyboard.hidden = !keyboard.hidden;
    $('keyboard-toggle').setAttribute('aria-expanded', String(!keyboard.hidden));
  });
  buildKeyboard();
}

// The pop-up keyboard: C64 legends on the PC positions the core maps them from.
const KEY_ROWS = [
  [['←', 'Backquote'], ['1', 'Digit1'], ['2', 'Digit2'], ['3', 'Digit3'], ['4', 'Digit4'], ['5', 'Digit5'],
   ['6', 'Digit6'], ['7', 'Digit7'], ['8', 'Digit8'], ['9', 'Digit9'], ['0', 'Digit0'], ['+', 'Minus'],
   ['-', 'Equal'], ['£', 'Insert'], ['HOME', 'Home'], ['DEL', 'Backspace']],
  [['CTRL', 'Tab'], ['Q', 'KeyQ'], ['W', 'KeyW'], ['E', 'KeyE'], ['R', 'KeyR'], ['T', 'KeyT'], ['Y', 'KeyY'],
   ['U', 'KeyU'], ['I', 'KeyI'], ['O', 'KeyO'], ['P', 'KeyP'], ['@', 'BracketLeft'], ['*', 'BracketRight'],
   ['↑', 'Delete'], ['RESTORE', 'PageUp']],
  [['STOP', 'Escape'], ['A', 'KeyA'], ['S', 'KeyS'], ['D', 'KeyD'], ['F', 'KeyF'], ['G', 'KeyG'], ['H', 'KeyH'],
   ['J', 'KeyJ'], ['K', 'KeyK'], ['L', 'KeyL'], [':', 'Semicolon'], [';', 'Quote'], ['=', 'Backslash'],
   ['RETURN', 'Enter', 'wide']],
  [['C=', 'ControlLeft'], ['SHIFT', 'ShiftLeft', 'wide'], ['Z', 'KeyZ'], ['X', 'KeyX'], ['C', 'KeyC'], ['V', 'KeyV'],
   ['B', 'KeyB'], ['N', 'KeyN'], ['M', 'KeyM'], [',', 'Comma'], ['.', 'Period'], ['/', 'Slash'],
   ['SHIFT', 'ShiftRight'], ['⇓', 'ArrowDown'], ['⇒', 'ArrowRight']],
  [['F1', 'F1'], ['F3', 'F3'], ['F5', 'F5'], ['F7', 'F7'], ['SPACE', 'Space', 'wide']],
];

function buildKeyboard() {
  const keyboard = $('keyboard');
  for (const row of KEY_ROWS) {
    const line = document.createElement('div');
    line.className = 'row';
    for (const [label, code, wide] of row) {
      const key = document.createElement('button');
      key.type = 'button';
      key.textContent = label;
      if (wide) key.className = wide;
      key.addEventListener('pointerdown', (e) => { key.setPointerCapture(e.pointerId); core.setKey(code, true); });
      for (const end of ['pointerup', 'pointercancel']) key.addEventListener(end, () => core.setKey(code, false));
      line.append(key);
    }
    keyboard.append(line);
  }
}

// ---- controls ---------------------------------------------------------------------------
function toggle(button, apply) {
  button.addEventListener('click', () => {
    const on = button.getAttribute('aria-pressed') !== 'true';
    button.setAttribute('aria-pressed', String(on));
    apply(on);
    $('screen').focus();
  });
}

function download(blob, name) {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

function wireControls() {
  const screen = $('screen');
  toggle($('pause'), (on) => api.pause(on));
  toggle($('warp'), (on) => core.setWarp(on));
  $('reset').addEventListener('click', () => { core.reset(false); screen.focus(); });
  $('save').addEventListener('click', () => api.saveState().then(() => status('State saved')));
  $('restore').addEventListener('click', () => api.loadState().then((ok) => status(ok ? 'State restored' : 'No saved state')));
  $('shot').addEventListener('click', async () => download(await screenshot(), 'heirloom.png'));
  $('fullscreen').addEventListener('click', () => $('stage').requestFullscreen?.());
  $('volume').addEventListener('input', (e) => { if (audio?.gain) audio.gain.gain.value = Number(e.target.value); });
  $('file').addEventListener('change', async (e) => {
    const [file] = e.target.files;
    if (file) await run(() => file.arrayBuffer().then((bytes) => loadFile(bytes, file.name)));
    screen.focus();
  });

  // Keys go to the machine, not to the page (but copy and paste keep working).
  screen.addEventListener('keydown', (e) => {
    if (!((e.ctrlKey || e.metaKey) && (e.code === 'KeyV' || e.code === 'KeyC'))) e.preventDefault();
  });
  document.addEventListener('paste', (e) => {
    const text = e.clipboardData?.getData('text/plain');
    if (text) { core.typeText(text.replace(/\r\n?/g, '\n')); e.preventDefault(); }
  });
  for (const gesture of ['pointerdown', 'keydown']) {
    document.addEventListener(gesture, () => startAudio().catch((err) => status(`No sound: ${err.message}`)), { once: true });
  }
  document.addEventListener('dragover', (e) => { e.preventDefault(); $('drop-hint').hidden = false; });
  document.addEventListener('dragleave', () => { $('drop-hint').hidden = true; });
  document.addEventListener('drop', async (e) => {
    e.preventDefault();
    $('drop-hint').hidden = true;
    const [file] = e.dataTransfer.files;
    if (file) await run(() => file.arrayBuffer().then((bytes) => loadFile(bytes, file.name)));
    screen.focus();
  });
}

// Behind Heirloom's server, the signed-in user's library: one button per app.
async function showLibrary() {
  let listing;
  try {
    const response = await fetch('/api/apps', { credentials: 'same-origin' });
    if (!response.ok || !response.headers.get('content-type')?.includes('json')) return;
    listing = await response.json();
  } catch {
    return;
  }
  const list = $('library').querySelector('ul');
  for (const entry of listing.apps ?? []) {
    const item = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = entry.id;
    button.addEventListener('click', () => run(() => api.boot(entry.url)));
    item.append(button);
    list.append(item);
  }
  $('library').hidden = list.childElementCount === 0;
}

async function run(action) {
  try { await action(); } catch (err) { status(String(err.message ?? err)); }
}

// ---- the JavaScript API -----------------------------------------------------------------
const api = {
  /** Resets the machine and, given a URL, loads and starts that file. */
  async boot(url) {
    app?.stop();
    app = null;
    core.showCore();
    core.reset(true);
    if (url) await bootUrl(url);
  },

  /** Loads bytes (an ArrayBuffer or typed array) named `name` and starts them. */
  async load(bytes, name) { await loadFile(bytes, name); },
  /** Types text; a newline is RETURN. */
  type(text) { core.typeText(text); },
  /** The screen as text. */
  screenText() { return core.screenText(); },
  /** The core's last frame as a PNG Blob. */
  screenshot,
  /**
   * Saves the machine's state in this browser, and on the server for a library app when
   * signed in to Heirloom's server (returns the state's bytes).
   */
  async saveState(slot = 'quick') {
    const bytes = core.saveState();
    await storeState(slot, bytes);
    if (server && libraryApp) await storeStateOnServer(slot, bytes);
    return bytes;
  },
  /** Restores a saved state (the server's first, for a library app); false when there is none. */
  async loadState(slot = 'quick') {
    const bytes = (server && libraryApp && await fetchStateFromServer(slot)) || await fetchState(slot);
    if (!bytes) return false;
    core.loadState(bytes);
    return true;
  },
  /** The library id of what runs, when it came from the server's library. */
  libraryApp() { return libraryApp; },
  /** The size of the picture shown (the core's, or a wasm app's). */
  frameSize() { return { width: core.frameWidth(), height: core.frameHeight() }; },
  /** The graphics backend drawing the canvas: "WebGPU" or "WebGL2" (null until ready). */
  backend() { return core.backend() ?? null; },
  /** Width of a pixel relative to its height, as the core shows it. */
  pixelAspect() { return core.pixelAspect(); },
  pause(on = true) { paused = on; core.setPaused(on); },
  warp(on = true) { core.setWarp(on); },
  reset(hard = false) { core.reset(hard); },
};

await init();
performance.mark('heirloom-module-ready');
core.start('screen');
performance.mark('heirloom-booted');
window.heirloom = api;
wireControls();
wireTouch();
requestAnimationFrame(pollGamepads);
status('Ready');
await connectServer();
const file = new URLSearchParams(location.search).get('file');
if (file) await run(() => bootUrl(file));
showLibrary();
if ('serviceWorker' in navigator && location.protocol !== 'file:') {
  navigator.serviceWorker.register('sw.js').catch(() => {});
}
