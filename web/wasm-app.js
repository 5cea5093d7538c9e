// Runs a wasm app (heirloom.h, ABI version 1) in the browser's own WebAssembly engine:
// the same imports as Heirloom's native wasm-app core, with the picture, sound and input
// going through the page's machine (`core`). Apps run 60 frames a second.
const ABI_VERSION = 1;
const FRAME_RATE = 60;
const MAX_SIDE = 4096;
const KV_QUOTA = 64 * 1024;
const KV_KEY_MAX = 64;
const KV_VALUE_MAX = 16 * 1024;
const WASI_NOSYS = 52;

/** Why an app stopped: a clear line for the page. */
export class AppStopped extends Error {}

class AppExit extends Error {
  constructor(status) { super(`the app exited with status ${status}`); this.status = status; }
}

/**
 * Runs `bytes` (an app exporting heirloom_init and heirloom_frame) until `stop()`;
 * `onStop(message)` says why it stopped by itself, `isPaused()` holds it.
 */
export async function startApp(core, bytes, name, { onStop, isPaused }) {
  let memory = null;
  let frame = 0;
  let text = new Uint8Array(0);
  let audioRate = 48000;
  let initialising = true;
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const storageKey = `heirloom-kv:${name}`;
  const kv = new Map(Object.entries(JSON.parse(localStorage.getItem(storageKey) ?? '{}')));

  const bytesAt = (pointer, length, what) => {
    const end = pointer + length;
    if (pointer < 0 || length < 0 || end > memory.buffer.byteLength) {
      throw new AppStopped(`${what}: the app passed memory outside its own (${pointer}+${length})`);
    }
    return new Uint8Array(memory.buffer, pointer, length);
  };
  const kvUsed = () => [...kv].reduce((sum, [k, v]) => sum + k.length + v.length / 2, 0);
  const kvKey = (pointer, length) => (length < 1 || length > KV_KEY_MAX ? null
    : decoder.decode(bytesAt(pointer, length, 'kv key')));
  const saveKv = () => localStorage.setItem(storageKey, JSON.stringify(Object.fromEntries(kv)));
  const toHex = (array) => Array.from(array, (b) => b.toString(16).padStart(2, '0')).join('');
  const fromHex = (hex) => Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16));

  const checkSize = (width, height, what) => {
    if (width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE) {
      throw new AppStopped(`${what}: a ${width}x${height} picture is out of range`);
    }
  };

  const heirloom = {
    present_rgba(pointer, width, height, pitch) {
      checkSize(width, height, 'present_rgba');
      if (pitch < width * 4) throw new AppStopped('present_rgba: the pitch is shorter than a row');
      const source = bytesAt(pointer, pitch * (height - 1) + width * 4, 'present_rgba');
      const packed = new Uint8Array(width * height * 4);
      for (let y = 0; y < height; y += 1) {
        packed.set(source.subarray(y * pitch, y * pitch + width * 4), y * width * 4);
      }
      for (let i = 3; i < packed.length; i += 4) packed[i] = 255;
      core.showAppPicture(packed, width, height);
    },
    present_indexed(pointer, width, height, pitch, palettePointer, colors) {
      checkSize(width, height, 'present_indexed');
      if (pitch < width) throw new AppStopped('present_indexed: the pitch is shorter than a row');
      if (colors < 1 || colors > 256) throw new AppStopped(`present_indexed: ${colors} palette colours`);
      const source = bytesAt(pointer, pitch * (height - 1) + width, 'present_indexed');
      const palette = bytesAt(palettePointer, colors * 4, 'present_indexed palette');
      const packed = new Uint8Array(width * height * 4);
      for (let y = 0; y < height; y += 1) {
        for (let x = 0; x < width; x += 1) {
          const index = source[y * pitch + x];
          const out = (y * width + x) * 4;
          if (index < colors) packed.set(palette.subarray(index * 4, index * 4 + 3), out);
          packed[out + 3] = 255;
        }
      }
      core.showAppPicture(packed, width, height);
    },
    audio_rate(hz) {
      if (!initialising || hz < 8000 || hz > 192000) return -1;
      audioRate = hz;
      return 0;
    },
    audio_push_f32(pointer, frames) {
      const taken = Math.max(0, Math.min(frames, audioRate));
      const bytes = bytesAt(pointer, taken * 8, 'audio_push_f32');
      core.pushAppAudio(new Float32Array(bytes.slice().buffer), audioRate);
      return taken;
    },
    audio_push_i16(pointer, frames) {
      const taken = Math.max(0, Math.min(frames, audioRate));
      const samples = new Int16Array(bytesAt(pointer, taken * 4, 'audio_push_i16').slice().buffer);
      core.pushAppAudio(Float32Array.from(samples, (s) => s / 32768), audioRate);
      return taken;
    },
    input(pointer) {
      const { snapshot } = input;
      bytesAt(pointer, snapshot.length, 'input').set(snapshot);
    },
    text(pointer, capacity) {
      bytesAt(pointer, Math.min(Math.max(capacity, 0), text.length), 'text')
        .set(text.subarray(0, Math.max(capacity, 0)));
      return text.length;
    },
    time_us() { return BigInt(Math.floor((frame * 1e6) / FRAME_RATE)); },
    log(level, pointer, length) {
      const message = decoder.decode(bytesAt(pointer, Math.min(Math.max(length, 0), 1024), 'log'));
      (level >= 3 ? console.error : level === 2 ? console.warn : console.log)(`${name}: ${message}`);
    },
    exit(status) { throw new AppExit(status); },
    kv_get(keyPointer, keyLength, pointer, capacity) {
      const key = kvKey(keyPointer, keyLength);
      if (key === null) return -3;
      if (!kv.has(key)) return -1;
      const value = fromHex(kv.get(key));
      bytesAt(pointer, Math.min(Math.max(capacity, 0), value.length), 'kv_get')
        .set(value.subarray(0, Math.max(capacity, 0)));
      return value.length;
    },
    kv_set(keyPointer, keyLength, pointer, length) {
      const key = kvKey(keyPointer, keyLength);
      if (key === null || length < 0) return -3;
      if (length > KV_VALUE_MAX) return -2;
      const value = toHex(bytesAt(pointer, length, 'kv_set'));
      const old = kv.get(key);
      if (kvUsed() - (old ? key.length + old.length / 2 : 0) + key.length + length > KV_QUOTA) return -2;
      kv.set(key, value);
      saveKv();
      return 0;
    },
    kv_delete(keyPointer, keyLength) {
      const key = kvKey(keyPointer, keyLength);
      if (key === null) return -3;
      if (!kv.delete(key)) return -1;
      saveKv();
      return 0;
    },
    // Portable states are made by the native core; the page keeps none for apps yet.
    state_write() { return -1; },
    state_read() { return -1; },
  };

  // WASI for apps built with wasi-libc: output goes to the log, the rest is refused.
  const wasi = new Proxy({
    fd_write(fd, iovs, count, written) {
      const view = new DataView(memory.buffer);
      let total = 0;
      for (let i = 0; i < count; i += 1) {
        const pointer = view.getUint32(iovs + i * 8, true);
        const length = view.getUint32(iovs + i * 8 + 4, true);
        heirloom.log(fd === 2 ? 2 : 1, pointer, length);
        total += length;
      }
      view.setUint32(written, total, true);
      return 0;
    },
    proc_exit(status) { throw new AppExit(status); },
  }, { get: (target, key) => target[key] ?? (() => WASI_NOSYS) });

  let input = { snapshot: new Uint8Array(0) };
  const module = await WebAssembly.compile(bytes);
  for (const { module: from, name: field } of WebAssembly.Module.imports(module)) {
    const known = from === 'heirloom' ? field in heirloom : from === 'wasi_snapshot_preview1';
    if (!known) throw new AppStopped(`${name} needs ${from}.${field}, which this page does not offer`);
  }
  const instance = await WebAssembly.instantiate(module, { heirloom, wasi_snapshot_preview1: wasi });
  const { exports } = instance;
  memory = exports.memory;
  if (!(memory instanceof WebAssembly.Memory) || typeof exports.heirloom_frame !== 'function'
    || typeof exports.heirloom_init !== 'function') {
    throw new AppStopped(`${name} is not a Heirloom app (it must export memory, heirloom_init and heirloom_frame)`);
  }
  exports._initialize?.();
  input = core.appInput(0);
  const refused = exports.heirloom_init(ABI_VERSION);
  initialising = false;
  if (refused !== 0) throw new AppStopped(`${name} refused to start (heirloom_init returned ${refused})`);

  let running = true;
  let origin = performance.now();
  const tick = (now) => {
    if (!running) return;
    // Paused, or too far behind (a hidden tab): time starts afresh from here.
    const due = Math.floor(((now - origin) * FRAME_RATE) / 1000);
    if (isPaused() || due - frame > 4) origin = now - (frame * 1000) / FRAME_RATE;
    try {
      while (running && frame < Math.floor(((now - origin) * FRAME_RATE) / 1000)) {
        input = core.appInput(frame);
        text = encoder.encode(input.text);
        exports.heirloom_frame();
        frame += 1;
      }
    } catch (err) {
      running = false;
      onStop(err instanceof AppStopped || err instanceof AppExit ? err.message
        : `${name} stopped in frame ${frame}: ${err.message}`);
      return;
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  return { stop() { running = false; }, frames: () => frame };
}
