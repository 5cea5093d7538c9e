// Keeps the page working offline: every file of the bundle is cached on first load and
// served from the cache, refreshed in the background when the network answers.
const CACHE = 'heirloom-v1';
const FILES = ['./', 'index.html', 'main.js', 'style.css', 'audio-worklet.js', 'wasm-app.js',
  'heirloom_web.js', 'heirloom_web_bg.wasm', 'manifest.webmanifest'];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(FILES)));
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== location.origin || url.search) return;
  event.respondWith(caches.open(CACHE).then(async (cache) => {
    const cached = await cache.match(event.request);
    const fresh = fetch(event.request).then((response) => {
      if (response.ok) cache.put(event.request, response.clone());
      return response;
    }).catch(() => cached ?? Response.error());
    return cached ?? fresh;
  }));
});
