// Field mode: sort by the officer's position and fetch the list again every few seconds, so new reports
// appear without a reload. The server renders the list; this only swaps it in.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("field-list");
    if (!box) { return; }
    var status = document.getElementById("position-status");
    var news = document.getElementById("new-reports");
    var url = box.getAttribute("data-url");
    var every = parseInt(box.getAttribute("data-refresh"), 10) * 1000 || 10000;
    var position = null;

    // Reports get increasing ids: a higher newest id than seen before means a new report, whatever the order.
    function newest() {
      var list = box.querySelector(".field-list");
      return list ? parseInt(list.getAttribute("data-newest"), 10) || 0 : 0;
    }
    var seen = newest();

    // Signed out (logout elsewhere, idle, or the 12-hour limit): go to the sign-in page, and back here after.
    function signIn(response) {
      var fallback = "/medewerkers/inloggen?next=" + encodeURIComponent("/veld/");
      response.json()
        .then(function (body) {
          var target = body && body.sign_in;
          var local = typeof target === "string" && target.charAt(0) === "/" && target.charAt(1) !== "/";
          window.location.assign(local ? target : fallback);
        })
        .catch(function () { window.location.assign(fallback); });
    }

    function refresh() {
      // The position goes in a header, never in the address: addresses end up in logs.
      var headers = { "Accept": "text/html" };
      if (position) { headers["X-Position"] = position.lat + "," + position.lon; }
      fetch(url, { credentials: "same-origin", headers: headers })
        .then(function (response) {
          // A redirect would be to a page, never the list: treat it as signed out too.
          if (response.status === 401 || response.redirected) { signIn(response); return null; }
          return response.ok ? response.text() : null;
        })
        .then(function (html) {
          if (html === null) { return; }
          box.innerHTML = html;
          if (newest() > seen && news) { news.textContent = news.getAttribute("data-text"); }
          seen = Math.max(seen, newest());
        })
        .catch(function () { /* bad signal: try again next round */ });
    }

    if ("geolocation" in navigator) {
      navigator.geolocation.watchPosition(function (pos) {
        var first = position === null;
        position = { lat: pos.coords.latitude.toFixed(6), lon: pos.coords.longitude.toFixed(6) };
        if (status) { status.textContent = status.getAttribute("data-text-found"); }
        if (first) { refresh(); }
      }, function () {
        if (status) { status.textContent = status.getAttribute("data-text-denied"); }
      }, { enableHighAccuracy: true, maximumAge: 30000, timeout: 20000 });
    }
    window.setInterval(refresh, every);
  });
}());
