// The kiosk's service worker, served at /sw.js after one line of settings (self.KIOSK_SHELL: version,
// shell files, offline page per language, default language). It keeps the shell and the offline pages,
// never a visitor's page: those carry the visit. When the server is away, a visitor's page that cannot
// load is answered with the offline page in its language, which goes back by itself once the server
// answers. Staff pages and everything else are none of its business: they go straight to the network.
"use strict";

const SHELL = self.KIOSK_SHELL;
const PREFIX = "kiosk-shell-";
const CACHE = PREFIX + SHELL.version;
const OFFLINE_PAGES = new Set(Object.values(SHELL.offline));
const LANGUAGES = new Set(Object.keys(SHELL.offline));
// A page that has not answered in this long is as good as down: the offline page says so calmly.
const PAGE_TIMEOUT_MS = 8000;

function languageOf(path) {
  const first = path.split("/")[1] || "";
  return LANGUAGES.has(first) ? first : null;
}

/** Tell whether a navigation is to a visitor's screen (the only navigations this worker looks after). */
function isVisitorPage(url) {
  return url.pathname === "/" || url.pathname === "/reset" || languageOf(url.pathname) !== null;
}

self.addEventListener("install", (event) => {
  // Requests the worker has nothing to do with skip it entirely, so a tap's htmx request never waits
  // for the worker to wake up (Chromium's static routing; without it, the fetch handler lets them pass).
  if (event.addRoutes) {
    const routes = [
      { condition: { urlPattern: new URLPattern({ pathname: "/staff{/*}?" }) }, source: "network" },
      { condition: { requestMode: "navigate" }, source: "fetch-event" },
    ];
    for (const path of SHELL.shell) {
      routes.push({ condition: { urlPattern: new URLPattern({ pathname: path }) }, source: "fetch-event" });
    }
    routes.push({ condition: { urlPattern: new URLPattern({ pathname: "/*" }) }, source: "network" });
    event.waitUntil(event.addRoutes(routes).catch(() => {}));
  }
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // The shell must be complete, or this version does not install and the old one stays.
    await cache.addAll(SHELL.shell.map((path) => new Request(path, { cache: "reload", credentials: "omit" })));
    // Offline pages: the default language's, and every language an older version kept.
    const pages = new Set([SHELL.offline[SHELL.default]]);
    for (const name of await caches.keys()) {
      if (!name.startsWith(PREFIX) || name === CACHE) continue;
      for (const request of await (await caches.open(name)).keys()) {
        const path = new URL(request.url).pathname;
        if (OFFLINE_PAGES.has(path)) pages.add(path);
      }
    }
    await Promise.all([...pages].map((path) => keep(cache, path)));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
    }
    // The page's request starts while the worker wakes up, so a page load never waits for it.
    if (self.registration.navigationPreload) await self.registration.navigationPreload.enable();
    await self.clients.claim();
  })());
});

/** Fetch one offline page into the cache; a language that fails now is tried again on its next page. */
async function keep(cache, path) {
  try {
    const response = await fetch(new Request(path, { cache: "reload", credentials: "omit" }));
    if (response.ok) await cache.put(path, response);
  } catch (error) { /* the server is away: the next page load asks again */ }
}

// A page tells the worker its language, so that language's offline page is kept too.
self.addEventListener("message", (event) => {
  const path = event.data && event.data.keep;
  if (!OFFLINE_PAGES.has(path)) return;
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    if (!(await cache.match(path))) await keep(cache, path);
  })());
});

/** The offline page for a request: its own language, else the page it came from, else the default. */
async function offlinePage(request) {
  const referrer = request.referrer ? new URL(request.referrer).pathname : "";
  const language = languageOf(new URL(request.url).pathname) || languageOf(referrer) || SHELL.default;
  const cache = await caches.open(CACHE);
  const page = (await cache.match(SHELL.offline[language])) || (await cache.match(SHELL.offline[SHELL.default]));
  return page || Response.error();
}

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    promise.then((value) => { clearTimeout(timer); resolve(value); }, (error) => { clearTimeout(timer); reject(error); });
  });
}

/** A gateway's error (nginx with the server down), not one of the kiosk's own friendly error pages. */
function isGatewayError(response) {
  return response.status >= 502 && response.status <= 504 && !response.headers.has("X-Kiosk");
}

async function navigate(event) {
  const request = event.request;
  const path = new URL(request.url).pathname;
  if (OFFLINE_PAGES.has(path)) {
    // Asked for on purpose (the idle reset while the server is away): the kept copy, whatever the network.
    const cached = await caches.match(path, { ignoreSearch: true });
    if (cached) return cached;
  }
  try {
    const response = await withTimeout(
      Promise.resolve(event.preloadResponse).then((preloaded) => preloaded || fetch(request)),
      PAGE_TIMEOUT_MS,
    );
    return isGatewayError(response) ? offlinePage(request) : response;
  } catch (error) {
    return offlinePage(request);
  }
}

/** Shell files: always the server's when it answers, the kept copy when it does not. */
async function shellFile(request) {
  try {
    return await withTimeout(fetch(request), PAGE_TIMEOUT_MS);
  } catch (error) {
    const cached = await caches.match(request, { ignoreSearch: true });
    return cached || Response.error();
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    if (isVisitorPage(url)) event.respondWith(navigate(event));
    return;
  }
  if (request.method === "GET" && SHELL.shell.includes(url.pathname)) event.respondWith(shellFile(request));
});
