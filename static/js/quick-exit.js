// Quick exit: leave for a neutral page without a history entry (Back does not return here). The button, or
// Escape three times within two seconds. Loaded on every public page; the link works without it (/snel-weg).
(function () {
  "use strict";
  var presses = [];

  function leave(link) {
    document.documentElement.hidden = true; // nothing of the page stays on screen while the next one loads
    // The site forgets the report in progress and the receipt; the beacon outlives this page.
    if (navigator.sendBeacon) { navigator.sendBeacon(link.getAttribute("href")); }
    window.location.replace(link.getAttribute("data-exit-url"));
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("#quick-exit") : null;
    if (!link) { return; }
    event.preventDefault();
    leave(link);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var now = Date.now();
    presses = presses.filter(function (t) { return now - t < 2000; });
    presses.push(now);
    var link = document.getElementById("quick-exit");
    if (presses.length >= 3 && link) { leave(link); }
  });
}());
