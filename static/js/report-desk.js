// Keyboard shortcuts on a report at the desk: j/k next and previous report of the list it was opened from, u back
// to that list, t take in handling, a/m/c open assign, move or close and put the cursor in it. Never while typing
// in a field and never with a modifier key, so the browser's own shortcuts keep working.
(function () {
  "use strict";
  function typing(target) {
    if (target.tagName === "INPUT") { return !/^(checkbox|radio|submit|button)$/.test(target.type); }
    return Boolean(target.closest && target.closest("select, textarea, [contenteditable]"));
  }

  function openAction(name) {
    var details = document.getElementById("action-" + name);
    if (!details) { return false; }
    details.open = true;
    var first = details.querySelector("select, textarea, input:not([type=hidden])");
    (first || details.querySelector("summary")).focus();
    return true;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    var link = document.querySelector("a[data-key='" + event.key + "']");
    if (link) { event.preventDefault(); window.location.href = link.href; return; }
    var actions = { a: "assign", m: "reroute", c: "close" };
    if (actions[event.key] && openAction(actions[event.key])) { event.preventDefault(); return; }
    if (event.key === "t") {
      var take = document.querySelector("#action-take form");
      if (take) { event.preventDefault(); take.submit(); }
    }
  });
}());
