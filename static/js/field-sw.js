// Field mode's service worker, served as /veld/sw.js so that it controls /veld/ only (a public worker for
// reporters can have its own scope). Network first, always: with a connection the officer sees the server's
// answer. Without one, the pages and files kept from earlier visits are shown (the last list, the opened reports).
// Never kept: the polled list (the page keeps its own last copy), other sites (map tiles), anything but a plain
// successful same-origin GET, and anything at all after signing out (the page empties the cache then).
"use strict";

var CACHE = "samen-alert-veld";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

function keepable(request, response) {
  var url = new URL(request.url);
  return request.method === "GET" && url.origin === self.location.origin && !url.pathname.endsWith("/lijst") &&
    url.pathname !== "/veld/sw.js" && response && response.ok && !response.redirected &&
    response.type === "basic";
}

// The page asks to keep itself and its files, also when it was loaded before this worker took over.
self.addEventListener("message", function (event) {
  var urls = (event.data && event.data.keep) || [];
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(urls.map(function (url) {
      var request = new Request(url, { credentials: "same-origin" });
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
