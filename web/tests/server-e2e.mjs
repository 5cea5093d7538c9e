// The browser page behind Heirloom's server, end to end in headless Chromium: the first
// administrator enrols through the one-time setup link with a TOTP code computed here,
// signs in with password and code, runs the C64 demo from the library, saves a state on
// the server, the server restarts, and a fresh browser profile (the session cookie kept)
// restores that state. Needs HEIRLOOM_BIN (the `heirloom` command) and web/dist.
// Prints `e2e: ok|FAIL …` lines and exits non-zero on a failure.
import { spawn, execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:net';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIST = join(ROOT, 'web/dist');
const BIN = process.env.HEIRLOOM_BIN ?? join(ROOT, 'target/debug/heirloom');
const CHROMIUM = process.env.HEIRLOOM_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = ['--no-sandbox', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
const USER = 'admin';
const PASSWORD = 'a long pass phrase for the test';

let passed = 0;
let failed = 0;
function check(name, ok, detail = '') {
  if (ok) passed += 1; else failed += 1;
  console.log(`e2e: ${ok ? 'ok  ' : 'FAIL'} server: ${name}${detail ? ` (${detail})` : ''}`);
  return ok;
}

// RFC 6238 TOTP (SHA-1, 30 s, 6 digits) for time step `step` of the base32 `secret`.
function totp(secret, step) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const char of secret.replace(/[\s=]/g, '').toUpperCase()) {
    bits += alphabet.indexOf(char).toString(2).padStart(5, '0');
  }
  const key = Buffer.from(bits.match(/.{8}/g).map((byte) => parseInt(byte, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[19] & 0xf;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}
const currentStep = () => Math.floor(Date.now() / 30_000);

function freePort() {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

// Starts `heirloom serve`; resolves once it listens, with its printed setup link.
function startServer(args) {
  const child = spawn(BIN, ['serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start:\n${output}`)), 30_000);
    const read = (chunk) => {
      output += chunk;
      if (output.includes('listening on')) {
        clearTimeout(timer);
        setTimeout(() => resolve({ child, setupUrl: output.match(/setup link[^:]*: (\S+)/)?.[1] }), 200);
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('exit', (code) => reject(new Error(`the server exited (${code}):\n${output}`)));
  });
}

function stopServer({ child }) {
  return new Promise((resolve) => { child.removeAllListeners('exit'); child.on('exit', resolve); child.kill('SIGTERM'); });
}

async function waitForText(page, text, timeout = 20_000) {
  return page.waitForFunction((t) => window.heirloom?.screenText().includes(t), text, { timeout, polling: 100 })
    .then(() => true, () => false);
}

const dir = await mkdtemp(join(tmpdir(), 'heirloom-server-e2e-'));
const library = join(dir, 'library');
await mkdir(library);
execFileSync(BIN, ['asm', join(ROOT, 'web/demo/demo.s'), '-o', join(library, 'demo.prg')]);
const port = await freePort();
const base = `https://127.0.0.1:${port}`;
const serverArgs = ['--listen', `127.0.0.1:${port}`, '--data-dir', join(dir, 'data'),
  '--library', library, '--web-dir', DIST];
let server = null;
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
try {
  server = await startServer(serverArgs);
  check('prints a one-time setup link on first start', Boolean(server.setupUrl));
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const page = await context.newPage();
  page.on('pageerror', (err) => console.log(`e2e: server: page error: ${err.message}`));

  // Enrol the first administrator: password and TOTP from the secret on the page.
  await page.goto(server.setupUrl.replace(/^https:\/\/[^/]+/, base));
  const secret = (await page.textContent('#totp-secret')).trim();
  const enrolStep = currentStep();
  await page.fill('input[name="username"]', USER);
  await page.fill('input[name="password"]', PASSWORD);
  await page.fill('input[name="password2"]', PASSWORD);
  await page.fill('input[name="code"]', totp(secret, enrolStep));
  await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
  const enrolled = await page.content();
  check('enrols with a TOTP code', enrolled.includes('recovery codes'));

  // Sign in with the next step's code (each step is accepted once; ±1 step is allowed).
  await page.goto(`${base}/login`);
  await page.fill('input[name="username"]', USER);
  await page.fill('input[name="password"]', PASSWORD);
  await page.fill('input[name="code"]', totp(secret, enrolStep + 1));
  await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
  const cookies = await context.cookies();
  const signedIn = await page.evaluate(() => fetch('/api/session').then((r) => r.status));
  check('signs in with password and code', signedIn === 200 && cookies.some((c) => c.name === '__Host-session'),
    `GET /api/session ${signedIn}`);

  // Run the demo from the library and keep a state on the server.
  await page.goto(`${base}/?file=/apps/demo.prg`);
  const demo = await waitForText(page, 'HELLO FROM HEIRLOOM');
  check('runs the C64 demo from the library', demo);
  const app = await page.evaluate(() => window.heirloom.libraryApp());
  await page.evaluate(() => window.heirloom.saveState());
  check('saves a state on the server', app === 'demo.prg', `app ${app}`);

  // Restart the server; a fresh profile (only the session cookie kept) restores it.
  await stopServer(server);
  server = await startServer(serverArgs);
  const fresh = await browser.newContext({ ignoreHTTPSErrors: true, storageState: { cookies, origins: [] } });
  const again = await fresh.newPage();
  await again.goto(`${base}/?file=/apps/demo.prg`);
  await waitForText(again, 'HELLO FROM HEIRLOOM');
  await again.evaluate(() => window.heirloom.reset(true));
  const reset = await again.waitForFunction(() => {
    const text = window.heirloom.screenText();
    return text.includes('READY.') && !text.includes('HELLO FROM HEIRLOOM');
  }, null, { timeout: 20_000 }).then(() => true, () => false);
  const restored = reset && await again.evaluate(() => window.heirloom.loadState());
  check('a state saved on the server survives its restart', restored && await waitForText(again, 'HELLO FROM HEIRLOOM', 5000));
} catch (err) {
  check('the server and the browser run', false, err.message);
} finally {
  await browser.close();
  if (server) await stopServer(server);
  await rm(dir, { recursive: true, force: true });
}
console.log(`e2e: server: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
