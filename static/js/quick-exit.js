// Quick exit: leave for a neutral page without a history entry (Back does not return here). The button, or
// Escape three times within two seconds. Loaded on every public page; the link works without it.
(function () {
  "use strict";
  var presses = [];

  function leave(url) {
    document.documentElement.hidden = true; // nothing of the page stays on screen while the next one loads
    window.location.replace(url);
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("#quick-exit") : null;
    if (!link) { return; }
    event.preventDefault();
    leave(link.getAttribute("data-exit-url"));
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var now = Date.now();
    presses = presses.filter(function (t) { return now - t < 2000; });
    presses.push(now);
    var link = document.getElementById("quick-exit");
    if (presses.length >= 3 && link) { leave(link.getAttribute("data-exit-url")); }
  });
}());
