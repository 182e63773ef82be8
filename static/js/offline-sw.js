// The public site's service worker, served as /sw.js (scope: the public site; field mode's worker at /veld/sw.js
// has the narrower scope /veld/ and keeps its own pages). It keeps the app shell only: the start page and our own
// static files, so the site opens without a connection. Never kept: staff pages, tracking pages (/volg/: secret
// tokens), forms (they hold CSRF tokens and what someone typed), anything from another site. The one report that
// waits for the connection is kept by the page (static/js/offline-report.js), not here.
"use strict";

var CACHE = "samen-alert-shell-v1";
var SHELL = ["/", "/static/css/app.css", "/static/js/enhance.js", "/static/js/offline-report.js",
             "/static/img/favicon.svg", "/static/img/icon-192.png"];

// A staff page may still be under this worker (signed in on a phone that installed it): its requests are left
// alone, so a staff page never gets a kept copy of anything.
var STAFF = /^\/(medewerkers|veld|beheer|analyse)(\/|$)/;

function fromStaffPage(request) {
  try { return request.referrer && STAFF.test(new URL(request.referrer).pathname); } catch (e) { return false; }
}

function inShell(url) {
  return url.origin === self.location.origin && (url.pathname === "/" || url.pathname.indexOf("/static/") === 0);
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(SHELL.map(function (path) {
      return fetch(path, { credentials: "same-origin" }).then(function (response) {
        return response.ok ? cache.put(path, response) : null;
      }).catch(function () { return null; });
    }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("samen-alert-shell") === 0 && name !== CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

// Network first: with a connection people always see the server's answer. Without one, the kept shell.
self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || !inShell(url) || STAFF.test(url.pathname) || fromStaffPage(request)) { return; }
  var key = url.pathname === "/" ? "/" : request;  // the start page in any language: one copy, without the query
  event.respondWith(
    fetch(request).then(function (response) {
      if (response.ok && response.type === "basic" && !response.redirected) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(key, copy); });
      }
      return response;
    }).catch(function (error) {
      return caches.match(key, { ignoreSearch: true, ignoreVary: true }).then(function (kept) {
        if (kept) { return kept; }
        throw error;
      });
    })
  );
});
