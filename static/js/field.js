// Field mode on a boa's phone. The server renders everything; this script only
// - keeps the list fresh (every few seconds, sorted by the officer's position) and marks reports that arrived,
// - says when the phone is offline and since when the list is unchanged (the service worker keeps the pages),
// - keeps an outcome recorded offline on the phone and sends it once the connection returns (exactly once: the
//   server recognises the action key),
// - puts a refused action's reasons in view, and keeps a button disabled until its form is complete.
(function () {
  "use strict";
  var QUEUE = "samen-alert-veld-wachtrij";
  var SEEN = "samen-alert-veld-gezien";
  var CACHE = "samen-alert-veld";
  var LAST_LIST = "samen-alert-veld-lijst";

  function text(element, name, values) {
    var result = element.getAttribute(name) || "";
    Object.keys(values || {}).forEach(function (key) { result = result.split("{" + key + "}").join(values[key]); });
    return result;
  }

  function clock(milliseconds) {
    var lang = document.documentElement.lang || "nl";
    return new Date(milliseconds).toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit" });
  }

  function newKey() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function readQueue() {
    try { return JSON.parse(window.localStorage.getItem(QUEUE) || "[]"); } catch (e) { return []; }
  }
  function writeQueue(items) { window.localStorage.setItem(QUEUE, JSON.stringify(items)); }

  // Nothing of the reports stays on the phone after signing out (outcomes not yet sent do: they are the
  // officer's work, and are sent after the next sign-in).
  function forgetPhoneCopies() {
    window.localStorage.removeItem(LAST_LIST);
    if (window.caches) { window.caches.delete(CACHE); }
  }

  // Signed out (logout elsewhere, idle, or the 12-hour limit): go to the sign-in page, and back here after.
  // Once: two answers that both say "signed out" (the list poll and a send) would start two page loads of the
  // sign-in page, and the one whose cookie arrives last need not be the page shown: its form is refused (CSRF).
  var leaving = false;
  function signIn(response) {
    if (leaving) { return; }
    leaving = true;
    var fallback = "/medewerkers/inloggen?next=" + encodeURIComponent("/veld/");
    var go = function (target) {
      var local = typeof target === "string" && target.charAt(0) === "/" && target.charAt(1) !== "/";
      forgetPhoneCopies();
      window.location.assign(local ? target : fallback);
    };
    if (response.status !== 401) { go(fallback); return; }
    response.json().then(function (body) { go(body && body.sign_in); }).catch(function () { go(fallback); });
  }

  // ---- The map without tiles is blank: say so, and point to the words and the navigate button. Listened for at
  // once, not when the page has loaded: this script comes before the map's, and a refused tile can fail before
  // DOMContentLoaded (it did on a slow page, and the notice never showed).
  (function () {
    var map = document.getElementById("field-map");
    var failed = document.getElementById("map-failed");
    if (!map || !failed) { return; }
    map.addEventListener("error", function (event) {
      if (event.target && event.target.classList && event.target.classList.contains("leaflet-tile")) {
        failed.hidden = false;
      }
    }, true);
  })();

  document.addEventListener("DOMContentLoaded", function () {
    var status = document.getElementById("field-connection");
    if (!status) { return; }
    var renderedAt = parseInt(status.getAttribute("data-rendered-at"), 10) || 0;
    var listUrl = status.getAttribute("data-list");

    function say(message) {
      status.textContent = message;
      status.hidden = !message;
    }
    function showOffline() {
      say(text(status, "data-text-offline", { time: clock(renderedAt) }));
      status.setAttribute("data-offline", "1");
    }

    // The pages stay readable offline: the service worker answers from what it kept.
    if ("serviceWorker" in navigator) {
      var hadWorker = !!navigator.serviceWorker.controller;
      navigator.serviceWorker.register(status.getAttribute("data-sw"), { scope: status.getAttribute("data-scope") })
        .then(function () { return navigator.serviceWorker.ready; })
        .then(function (registration) {
          // Keep this page and what it needs, also when it was loaded before the worker took over.
          var urls = [window.location.href];
          document.querySelectorAll("link[rel=stylesheet], script[src], img[src]").forEach(function (el) {
            urls.push(el.href || el.src);
          });
          // A page the worker already controlled went through it and is kept.
          if (registration.active && !hadWorker) { registration.active.postMessage({ keep: urls }); }
        })
        .catch(function () { /* no offline copy; everything else still works */ });
    }
    // Signing out leaves nothing of the reports on the phone.
    document.querySelectorAll(".staff-nav form").forEach(function (form) {
      form.addEventListener("submit", forgetPhoneCopies);
    });

    // ---- Outcomes recorded offline: kept on the phone, sent once when the connection returns.
    var sending = false;
    function flush() {
      var items = readQueue();
      if (sending || !items.length || !navigator.onLine) { return; }
      sending = true;
      // A fresh CSRF token (the page may be hours old), and a check that the session still runs.
      fetch(listUrl, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (response) {
          if (response.status === 401 || response.redirected) { signIn(response); throw new Error("signed out"); }
          if (!response.ok) { throw new Error("not now"); }
          var token = response.headers.get("X-CSRF-Token");
          return items.reduce(function (previous, item) {
            return previous.then(function () { return send(item, token); });
          }, Promise.resolve());
        })
        .catch(function () { /* still offline or signed out: the queue stays */ })
        .then(function () { sending = false; });
    }
    function send(item, token) {
      var body = new FormData();
      Object.keys(item.fields).forEach(function (name) { body.append(name, item.fields[name]); });
      body.set("csrf_token", token);
      return fetch(item.url, {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "Accept": "application/json", "X-CSRFToken": token }
      }).then(function (response) {
        if (response.status === 401) { throw new Error("signed out"); }
        if (response.status === 422) {
          return response.json().then(function (answer) {
            forget(item);
            say(text(status, "data-text-refused", { reference: item.reference, reason: (answer.errors || []).join(" ") }));
          });
        }
        if (response.status === 403 || response.status === 404 || response.status === 410) {
          // Closed or cancelled by someone else in the meantime: nothing to send any more.
          forget(item);
          say(text(status, "data-text-refused", { reference: item.reference, reason: status.getAttribute("data-reason-gone") }));
          return;
        }
        if (!response.ok) { throw new Error("not now"); }  // e.g. an expired form: try again next time
        forget(item);
        say(text(status, "data-text-sent", { reference: item.reference }));
      });
    }
    function forget(item) {
      writeQueue(readQueue().filter(function (other) { return other.fields.action_key !== item.fields.action_key; }));
    }
    window.addEventListener("online", function () {
      if (status.getAttribute("data-offline") === "1") { say(""); status.removeAttribute("data-offline"); }
      flush();
    });
    window.addEventListener("offline", showOffline);
    if (!navigator.onLine) { showOffline(); }
    flush();
    // The "online" event can come before the network works again: keep trying while something waits.
    window.setInterval(flush, 5000);

    // ---- A refused action: its reasons are at the top of the page; bring them into view and give them focus.
    var errors = document.getElementById("field-errors");
    if (errors) {
      errors.scrollIntoView({ block: "start" });
      errors.focus();
    }

    // ---- A button stays disabled until its form is complete (the server checks again).
    document.querySelectorAll("form[data-requires]").forEach(function (form) {
      var name = form.getAttribute("data-requires");
      var button = form.querySelector("button[type=submit]");
      var hint = button && document.getElementById(button.getAttribute("aria-describedby"));
      function update() {
        var complete = !!form.querySelector("input[name='" + name + "']:checked");
        button.disabled = !complete;
        if (hint) { hint.hidden = complete; }
      }
      form.addEventListener("change", update);
      update();
    });

    // ---- Other actions need the server (a colleague may claim the same report): say so, and stay on the page.
    document.querySelectorAll("form.field-action:not(.field-close), form#field-hand-back").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (navigator.onLine) { return; }
        event.preventDefault();
        say(status.getAttribute("data-text-needs-connection"));
      });
    });

    // ---- Closing without a connection: keep the outcome on the phone.
    document.querySelectorAll("form.field-close").forEach(function (form) {
      var key = form.querySelector("input.action-key");
      if (key && !key.value) { key.value = newKey(); }
      form.addEventListener("submit", function (event) {
        if (navigator.onLine) { return; }
        event.preventDefault();
        var fields = {};
        new FormData(form).forEach(function (value, name) { fields[name] = value; });
        var items = readQueue().filter(function (item) { return item.fields.action_key !== fields.action_key; });
        items.push({ url: form.action, reference: form.getAttribute("data-reference"), fields: fields });
        writeQueue(items);
        form.querySelectorAll("button, input, textarea").forEach(function (el) { el.disabled = true; });
        document.querySelectorAll("textarea[form='" + form.id + "']").forEach(function (el) { el.disabled = true; });
        say(text(status, "data-text-queued", { reference: form.getAttribute("data-reference") }));
      });
    });

    // ---- The action bar is fixed at the bottom: keep the page's end clear of it.
    var bar = document.getElementById("action-bar");
    if (bar) {
      var pad = function () { document.body.style.paddingBottom = bar.offsetHeight + 16 + "px"; };
      pad();
      window.addEventListener("resize", pad);
    }

    // ---- The list: fresh every few seconds, sorted by position; reports that arrived are marked.
    var box = document.getElementById("field-list");
    if (!box) { return; }
    var news = document.getElementById("new-reports");
    var positionStatus = document.getElementById("position-status");
    var every = parseInt(box.getAttribute("data-refresh"), 10) * 1000 || 10000;
    var position = null;

    function listNow() {
      var lists = box.querySelector(".field-lists");
      return lists ? parseInt(lists.getAttribute("data-now"), 10) || 0 : 0;
    }
    // "New" means: arrived after the officer last saw the list (on this page or an earlier visit), by the
    // server's clock. Re-sorting by position brings other reports into view; they are not new.
    // Opened from the phone's copy (offline): the last list the page fetched is newer than the copy's.
    var kept = window.localStorage.getItem(LAST_LIST);
    if (kept) {
      var holder = document.createElement("div");
      holder.innerHTML = kept;
      var keptLists = holder.querySelector(".field-lists");
      if (keptLists && (parseInt(keptLists.getAttribute("data-now"), 10) || 0) > listNow()) {
        box.innerHTML = kept;
        renderedAt = listNow();
        if (!navigator.onLine) { showOffline(); }
      }
    }
    var since = parseInt(window.sessionStorage.getItem(SEEN), 10) || listNow();
    window.sessionStorage.setItem(SEEN, String(listNow()));

    function markNew() {
      var fresh = [];
      box.querySelectorAll(".field-item[data-created]").forEach(function (item) {
        if (parseInt(item.getAttribute("data-created"), 10) > since) {
          item.classList.add("is-new");
          var top = item.querySelector(".field-top");
          if (top && !top.querySelector(".badge-new")) {
            var badge = document.createElement("span");
            badge.className = "badge badge-new";
            badge.textContent = news ? news.getAttribute("data-badge") : "";
            top.insertBefore(badge, top.firstChild);
          }
          fresh.push(item);
        }
      });
      if (news) {
        var wanted = fresh.length ? news.getAttribute("data-text") : "";
        if (news.textContent !== wanted) { news.textContent = wanted; }
        news.hidden = !fresh.length;
      }
      return fresh;
    }
    if (news) {
      // Tapping the notice shows the first new report; after that the notice is done.
      news.addEventListener("click", function () {
        var fresh = markNew();
        if (fresh.length) {
          var link = fresh[0].querySelector("a");
          fresh[0].scrollIntoView({ block: "center" });
          if (link) { link.focus(); }
        }
        since = listNow();
        news.hidden = true;
        news.textContent = "";
      });
    }
    markNew();

    function refresh() {
      // The position goes in a header, never in the address: addresses end up in logs.
      var headers = { "Accept": "text/html" };
      if (position) { headers["X-Position"] = position.lat + "," + position.lon; }
      fetch(box.getAttribute("data-url"), { credentials: "same-origin", headers: headers })
        .then(function (response) {
          // A redirect would be to a page, never the list: treat it as signed out too.
          if (response.status === 401 || response.redirected) { signIn(response); return null; }
          return response.ok ? response.text() : null;
        })
        .then(function (html) {
          if (html === null) { return; }
          box.innerHTML = html;
          renderedAt = listNow();
          window.sessionStorage.setItem(SEEN, String(renderedAt));
          window.localStorage.setItem(LAST_LIST, html);
          if (status.getAttribute("data-offline") === "1") { say(""); }
          status.removeAttribute("data-offline");
          markNew();
          flush();
        })
        .catch(function () {
          // Bad signal or offline: the last list stays; say since when.
          showOffline();
        });
    }

    if ("geolocation" in navigator) {
      navigator.geolocation.watchPosition(function (pos) {
        var first = position === null;
        position = { lat: pos.coords.latitude.toFixed(6), lon: pos.coords.longitude.toFixed(6) };
        if (positionStatus) { positionStatus.textContent = positionStatus.getAttribute("data-text-found"); }
        if (first) { refresh(); }
      }, function () {
        if (positionStatus) { positionStatus.textContent = positionStatus.getAttribute("data-text-denied"); }
      }, { enableHighAccuracy: true, maximumAge: 30000, timeout: 20000 });
    }
    window.setInterval(refresh, every);
  });
}());
