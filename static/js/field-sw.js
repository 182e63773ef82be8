// Field mode's service worker, served as /veld/sw.js so that it controls /veld/ only (a public worker for
// reporters can have its own scope). Network first, always: with a connection the officer sees the server's
// answer. Without one, the pages and files kept from earlier visits are shown (the last list, the opened reports).
// Never kept: the polled list (the page keeps its own last copy), other sites (map tiles), anything but a plain
// successful same-origin GET, anything the server marks no-store (a report's photos: a face or a number plate on a
// shared phone), and anything at all after signing out (the page empties the cache then).
// Field mode's own pages are marked no-store too, for the browser's HTTP cache (their forms hold a CSRF token); this
// worker keeps them all the same, on purpose: they are what the officer reads offline.
"use strict";

var CACHE = "samen-alert-veld";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) {
  event.waitUntil(Promise.all([self.clients.claim(), forgetWhatIsNotKeepable()]));
});

function fieldPage(url, response) {
  var type = response.headers.get("Content-Type") || "";
  return url.pathname.indexOf("/veld/") === 0 && type.indexOf("text/html") === 0;
}

function keepable(request, response) {
  var url = new URL(request.url);
  if (!(request.method === "GET" && url.origin === self.location.origin && !url.pathname.endsWith("/lijst") &&
        url.pathname !== "/veld/sw.js" && response && response.ok && !response.redirected &&
        response.type === "basic")) {
    return false;
  }
  return !/no-store/i.test(response.headers.get("Cache-Control") || "") || fieldPage(url, response);
}

// What an earlier version of this worker kept (photos among it) goes when this one takes over.
function forgetWhatIsNotKeepable() {
  return caches.open(CACHE).then(function (cache) {
    return cache.keys().then(function (requests) {
      return Promise.all(requests.map(function (request) {
        return cache.match(request).then(function (response) {
          return keepable(request, response) ? null : cache.delete(request);
        });
      }));
    });
  });
}

// The page asks to keep itself and its files, also when it was loaded before this worker took over.
self.addEventListener("message", function (event) {
  var urls = (event.data && event.data.keep) || [];
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(urls.map(function (url) {
      // Not followed to the sign-in page after a sign-out, and marked so that the answer leaves the session
      // cookie alone (web/access.py KEEP_HEADER): only the page the officer sees sets it.
      var request = new Request(url, { credentials: "same-origin", redirect: "manual", headers: { "X-Field-Keep": "1" } });
      if (new URL(request.url).origin !== self.location.origin) { return null; }
      return fetch(request).then(function (response) {
        return keepable(request, response) ? cache.put(request, response) : null;
      }).catch(function () { return null; });
    }));
  }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) { return; }
  event.respondWith(
    fetch(request).then(function (response) {
      if (response.status === 401 || (response.redirected && response.url.indexOf("/inloggen") !== -1)) {
        caches.delete(CACHE);  // signed out: nothing of the reports stays on the phone
      } else if (keepable(request, response)) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    }).catch(function (error) {
      return caches.match(request, { ignoreVary: true }).then(function (kept) {
        if (kept) { return kept; }
        throw error;
      });
    })
  );
});
