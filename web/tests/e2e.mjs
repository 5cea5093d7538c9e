// The browser frontend end to end, in headless Chromium (Debian's, never a downloaded
// one): serves web/dist, boots the C64, types a BASIC listing that POKEs machine code
// from DATA lines and SYSes it, drops a .prg, saves a state, reloads, restores it, and
// checks the canvas's colours against the core's own pixels. Runs once on WebGL2 and
// once on WebGPU. Prints `e2e: N passed, M failed` and exits non-zero on a failure.
import { createServer } from 'node:http';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { inflateSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';

const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLANG = process.env.HEIRLOOM_CLANG ?? 'clang-22';
const CHROMIUM = process.env.HEIRLOOM_CHROMIUM ?? '/usr/bin/chromium';
const BASE_FLAGS = ['--no-sandbox', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
const WEBGPU_FLAGS = ['--enable-unsafe-webgpu', '--ignore-gpu-blocklist',
  '--enable-features=Vulkan', '--use-vulkan=swiftshader', '--use-angle=swiftshader'];
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css',
  '.wasm': 'application/wasm', '.webmanifest': 'application/manifest+json' };

// ---- a static server for web/dist ---------------------------------------------------------
function serve() {
  const server = createServer(async (request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url, 'http://x').pathname));
    const file = join(DIST, path.endsWith('/') ? `${path}index.html` : path);
    if (!file.startsWith(DIST)) { response.writeHead(403).end(); return; }
    try {
      const body = await readFile(file);
      response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// ---- PNG decoding, enough for Chromium's screenshots (8-bit RGB/RGBA, no interlace) -----
function decodePng(png) {
  let offset = 8;
  let width = 0; let height = 0; let channels = 4;
  const data = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const body = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0); height = body.readUInt32BE(4);
      channels = { 2: 3, 6: 4 }[body[9]];
      if (body[8] !== 8 || !channels || body[12] !== 0) throw new Error('unsupported PNG');
    } else if (type === 'IDAT') data.push(body);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(data));
  const stride = width * channels;
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y += 1) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x += 1) {
      const byte = raw[y * (stride + 1) + 1 + x];
      const a = x >= channels ? pixels[y * stride + x - channels] : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x] : 0;
      const c = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels] : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a
        : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter];
      pixels[y * stride + x] = (byte + predictor) & 0xff;
    }
  }
  return { width, height, data: pixels, pixel: (x, y) => [...pixels.subarray((y * width + x) * channels, (y * width + x) * channels + 3)] };
}

// ---- the checks -----------------------------------------------------------------------------
let passed = 0;
let failed = 0;
function check(name, ok, detail = '') {
  if (ok) passed += 1; else failed += 1;
  console.log(`e2e: ${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ` (${detail})` : ''}`);
}

async function waitForText(page, text, timeout = 20000) {
  try {
    await page.waitForFunction((t) => window.heirloom?.screenText().includes(t), text, { timeout, polling: 50 });
    return true;
  } catch {
    return false;
  }
}

// A listing that READs 21 bytes of machine code from DATA lines, POKEs them to 49152 and
// SYSes them: the code writes "HI" at the top left of the screen, turns the border red
// and leaves 42 at 49200, which BASIC then PRINTs.
const LISTING = [
  'NEW',
  '10 FOR I=0 TO 20:READ A:POKE 49152+I,A:NEXT',
  '20 SYS 49152:PRINT PEEK(49200)',
  '30 DATA 169,8,141,0,4,169,9,141,1,4',
  '40 DATA 169,2,141,32,208,169,42,141,48,192,96',
  'RUN',
  '',
].join('\n');

// 10 PRINT "DROPPED OK" as a tokenized BASIC program at $0801.
const DROPPED_PRG = [0x01, 0x08, 0x14, 0x08, 0x0a, 0x00, 0x99, 0x20, 0x22,
  ...Buffer.from('DROPPED OK', 'latin1'), 0x22, 0x00, 0x00, 0x00];

// A sample app of roms-test/apps, built for wasm32 as the wasm-app core's tests do; a
// loop app (its own main loop) is then transformed by Binaryen's Asyncify.
async function buildSampleApp(name, { loop = false } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'heirloom-app-'));
  const output = join(dir, `${name}.wasm`);
  execFileSync(CLANG, ['--target=wasm32-unknown-unknown', '-nostdlib', '-Wl,--no-entry', '-O2',
    '-I', join(ROOT, 'cores/wasm-app/include'), '-o', output, join(ROOT, `roms-test/apps/${name}.c`)]);
  if (loop) {
    execFileSync(join(ROOT, 'web/node_modules/.bin/wasm-opt'),
      ['--asyncify', '--pass-arg=asyncify-ignore-imports', '-O2', output, '-o', output]);
  }
  const bytes = await readFile(output);
  await rm(dir, { recursive: true, force: true });
  return bytes;
}

// The app's current picture, decoded from a screenshot.
async function appPicture(page) {
  return decodePng(Buffer.from(await page.evaluate(async () => {
    const blob = await window.heirloom.screenshot();
    return [...new Uint8Array(await blob.arrayBuffer())];
  })));
}

// Waits until the app's picture has the given size.
function waitForFrameSize(page, width, height) {
  return page.waitForFunction(([w, h]) => {
    const size = window.heirloom.frameSize();
    return size.width === w && size.height === h;
  }, [width, height], { timeout: 10000 }).then(() => true, () => false);
}

async function run(label, flags, wantedBackend, origin, app, loopApp) {
  const profile = await mkdtemp(join(tmpdir(), 'heirloom-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: [...BASE_FLAGS, ...flags],
    viewport: { width: 1280, height: 900 },
  });
  try {
    const page = browser.pages()[0] ?? await browser.newPage();
    page.on('pageerror', (err) => console.log(`e2e: ${label}: page error: ${err.message}`));
    const started = Date.now();
    await page.goto(`${origin}/index.html`);
    const ready = await waitForText(page, 'READY.');
    const readyMs = Date.now() - started;
    const marks = await page.evaluate(() => performance.getEntriesByType('mark')
      .map((m) => `${m.name.replace('heirloom-', '')} ${Math.round(m.startTime)} ms`).join(', '));
    check(`${label}: boots to READY.`, ready, `seen ${readyMs} ms after navigation; ${marks}`);
    if (!ready) return;
    await page.waitForFunction(() => window.heirloom.backend() !== null, null, { timeout: 20000 });
    const backend = await page.evaluate(() => window.heirloom.backend());
    check(`${label}: draws with ${wantedBackend}`, backend === wantedBackend, `backend ${backend}`);

    await page.evaluate((text) => window.heirloom.type(text), LISTING);
    const ran = await waitForText(page, ' 42\n\nREADY.', 60000);
    // The text is in memory at once; the picture shows it, and the border the routine
    // turned red, once the frames after it are drawn. Let ten animation frames pass, then
    // pause, so the core's picture and the canvas show the same frame.
    await page.evaluate(() => new Promise((resolve) => {
      let frames = 0;
      const tick = () => (++frames >= 10 ? resolve() : requestAnimationFrame(tick));
      requestAnimationFrame(tick);
    }));
    await page.evaluate(() => window.heirloom.pause(true));
    const text = await page.evaluate(() => window.heirloom.screenText());
    check(`${label}: typed listing POKEs and SYSes machine code`, ran && text.startsWith('HI'),
      JSON.stringify(text.split('\n').filter((l) => l.trim()).slice(-4)));

    // The core's own pixels (screenshot()) and the canvas the GPU drew.
    const frame = decodePng(Buffer.from(await page.evaluate(async () => {
      const blob = await window.heirloom.screenshot();
      return [...new Uint8Array(await blob.arrayBuffer())];
    })));
    const red = frame.pixel(192, 5);
    check(`${label}: screenshot() shows the red border`, red[0] > red[1] + 40 && red[0] > red[2] + 40, `rgb ${red}`);
    const canvasBox = await page.locator('#screen').boundingBox();
    const shot = decodePng(await page.screenshot({ clip: canvasBox }));
    const aspect = await page.evaluate(() => window.heirloom.pixelAspect());
    const fit = Math.min(shot.width / (frame.width * aspect), shot.height / frame.height);
    const scale = fit >= 1 ? Math.floor(fit) : fit;
    const left = Math.floor((shot.width - frame.width * aspect * scale) / 2);
    const top = Math.floor((shot.height - frame.height * scale) / 2);
    const probes = [[192, 5, 'top border'], [12, 136, 'left border'], [340, 226, 'background'], [35, 38, "the screen's first cell"]];
    for (const [x, y, what] of probes) {
      const cx = Math.floor(left + (x + 0.5) * aspect * scale);
      const cy = Math.floor(top + (y + 0.5) * scale);
      const want = frame.pixel(x, y);
      const got = shot.pixel(cx, cy);
      check(`${label}: canvas colour at ${what} matches the core`, want.every((v, i) => Math.abs(v - got[i]) <= 1),
        `core ${want} canvas ${got}`);
    }

    await page.evaluate(() => window.heirloom.pause(false));

    // Drop a .prg on the page: it loads and runs.
    await page.evaluate((bytes) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(bytes)], 'dropped.prg'));
      document.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }, DROPPED_PRG);
    check(`${label}: a dropped .prg runs`, await waitForText(page, 'DROPPED OK'));

    // A wasm app runs in the browser's own engine and shows its first frame.
    const golden = decodePng(await readFile(join(ROOT, 'roms-test/apps/golden/starcatch.png')));
    await page.evaluate((bytes) => window.heirloom.load(new Uint8Array(bytes), 'starcatch.wasm'), [...app]);
    const appShown = await waitForFrameSize(page, golden.width, golden.height);
    const appFrame = await appPicture(page);
    const colours = new Set();
    for (let y = 0; y < appFrame.height; y += 7) {
      for (let x = 0; x < appFrame.width; x += 7) colours.add(appFrame.pixel(x, y).join());
    }
    check(`${label}: a wasm app shows its first frame`, appShown && colours.size >= 3,
      `${appFrame.width}x${appFrame.height}, ${colours.size} colours`);

    // A loop app (its own main loop, suspended at every present) animates its title.
    await page.evaluate((bytes) => window.heirloom.load(new Uint8Array(bytes), 'snake.wasm'), [...loopApp]);
    const loopShown = await waitForFrameSize(page, 128, 96);
    const titles = [];
    for (let i = 0; i < 3; i++) {
      titles.push(await appPicture(page));
      await page.waitForTimeout(200);
    }
    const changes = titles.slice(1).filter((picture, i) => !picture.data.equals(titles[i].data)).length;
    check(`${label}: a loop app runs its own loop`, loopShown && changes >= 1,
      `${changes} of 2 pictures changed`);

    // Back to the C64: save a state, reload the page, restore it.
    await page.evaluate((bytes) => window.heirloom.load(new Uint8Array(bytes), 'dropped.prg'), DROPPED_PRG);
    await waitForText(page, 'DROPPED OK');
    await page.evaluate(() => window.heirloom.saveState());
    await page.reload();
    await waitForText(page, 'READY.');
    const before = await page.evaluate(() => window.heirloom.screenText());
    const restored = await page.evaluate(() => window.heirloom.loadState());
    const after = restored && await waitForText(page, 'DROPPED OK', 5000);
    check(`${label}: a saved state survives a reload`, after && !before.includes('DROPPED OK'));
  } finally {
    await browser.close();
    await rm(profile, { recursive: true, force: true });
  }
}

const app = await buildSampleApp('starcatch');
const loopApp = await buildSampleApp('snake', { loop: true });
const server = await serve();
const origin = `http://127.0.0.1:${server.address().port}`;
try {
  await run('WebGL2', [], 'WebGL2', origin, app, loopApp);
  await run('WebGPU', WEBGPU_FLAGS, 'WebGPU', origin, app, loopApp);
} catch (err) {
  check('the browser runs', false, err.message);
} finally {
  server.close();
}
console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
