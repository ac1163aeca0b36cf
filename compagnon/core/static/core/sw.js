/* Compagnon — the service worker (served at /sw.js by compagnon/home/pwa.py, which puts
 * self.COMPAGNON = {version, shell, offline, static} in front of this file).
 *
 * What it keeps, and only that (one phone can be shared: a person's data only as said below):
 * - static files (/static/…): hashed names (production) cache-first, they never change; other
 *   static files (development) network-first with the cached copy as fallback;
 * - the offline page (/offline/), which holds no personal data, shown when a page cannot be
 *   reached.
 * - the member's day in the field: the visits list and each visit page of today, which the page
 *   interventions/today.js puts in the "interventions-today" cache while the member is signed in;
 *   a page that cannot be fetched is answered from there before the offline page. It is the one
 *   personal cache, dropped at logout with the rest ("clear") and replaced every day.
 * Other pages, htmx partials, the API, media and PDFs always go to the network and are never stored.
 * Pages tell it (postMessage): "hello" (cache this page's static files and the offline page in
 * the page's language), "clear" (logout: drop every cache), "sync" is answered by asking the open
 * pages to send what they keep (offline.js holds the queue).
 */
"use strict";

var CONF = self.COMPAGNON;
var STATIC = "compagnon-static-" + CONF.version;
var SHELL = "compagnon-shell-" + CONF.version;
var DAY = "interventions-today";  // filled by interventions/today.js, emptied at logout ("clear")
var HASHED = /\.[0-9a-f]{12}\.[A-Za-z0-9]+$/;  // ManifestStaticFilesStorage names
var offlineLang = null;  // the language of the cached offline page (forgotten when the worker sleeps)

function cacheOffline(lang) {
  return caches.open(SHELL).then(function (cache) {
    return fetch(CONF.offline, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
      if (!response.ok) return;
      offlineLang = lang || offlineLang;
      return cache.put(CONF.offline, response);
    });
  }).catch(function () { /* no network: keep the copy we have */ });
}

function cacheStatic(urls) {
  return caches.open(STATIC).then(function (cache) {
    return Promise.all(urls.map(function (url) {
      return cache.match(url).then(function (hit) {
        if (hit && HASHED.test(new URL(url, self.location.href).pathname)) return;
        return fetch(url).then(function (response) {
          if (response.ok) return cache.put(url, response);
        }).catch(function () { /* offline: next time */ });
      });
    }));
  });
}

self.addEventListener("install", function (event) {
  event.waitUntil(Promise.all([cacheStatic(CONF.shell), cacheOffline(null)]).then(function () {
    return self.skipWaiting();
  }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("compagnon-") === 0 && name !== STATIC && name !== SHELL;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function isStatic(url) {
  return url.origin === self.location.origin && url.pathname.indexOf(CONF.static) === 0;
}

function staticFile(request) {
  var url = new URL(request.url);
  return caches.open(STATIC).then(function (cache) {
    if (HASHED.test(url.pathname)) {
      return cache.match(request).then(function (hit) {
        return hit || fetch(request).then(function (response) {
          if (response.ok) cache.put(request, response.clone());
          return response;
        });
      });
    }
    return fetch(request).then(function (response) {
      if (response.ok) cache.put(request, response.clone());
      return response;
    }).catch(function () {
      return cache.match(request).then(function (hit) { return hit || Response.error(); });
    });
  });
}

function page(request) {
  return fetch(request).catch(function () {
    return caches.open(DAY).then(function (day) { return day.match(request); }).then(function (kept) {
      return kept || caches.open(SHELL).then(function (cache) { return cache.match(CONF.offline); });
    }).then(function (hit) {
      return hit || Response.error();
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (isStatic(url)) {
    event.respondWith(staticFile(request));
  } else if (request.mode === "navigate") {
    event.respondWith(page(request));
  }
  // anything else (htmx partials, API, media, PDFs): the network, as if there were no worker
});

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type === "hello") {
    var work = [cacheStatic((data.assets || []).filter(function (u) {
      return isStatic(new URL(u, self.location.href));
    }))];
    if (data.lang !== offlineLang) work.push(cacheOffline(data.lang));
    else work.push(caches.open(SHELL).then(function (c) { return c.match(CONF.offline); }).then(function (hit) {
      if (!hit) return cacheOffline(data.lang);
    }));
    event.waitUntil(Promise.all(work));
  } else if (data.type === "clear") {
    offlineLang = null;
    event.waitUntil(caches.keys().then(function (names) {
      return Promise.all(names.map(function (name) { return caches.delete(name); }));
    }).then(function () {
      if (event.source) event.source.postMessage({ type: "cleared" });
    }));
  }
});

// Background Sync (where the browser has it): ask the open pages to send what they keep.
self.addEventListener("sync", function (event) {
  if (event.tag !== "compagnon-queue") return;
  event.waitUntil(self.clients.matchAll({ type: "window" }).then(function (windows) {
    windows.forEach(function (w) { w.postMessage({ type: "flush" }); });
  }));
});
