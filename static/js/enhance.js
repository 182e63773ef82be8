// Marks the page as scripted, so map-only controls show and no-script fallbacks can hide.
document.documentElement.classList.add("js");

// A page that answers a POST (a form with a problem, a refused send) names the address that shows it again from
// the draft kept on the server: put that in the history, so Back and reload do not ask to resend the form.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var url = document.body.getAttribute("data-get-url");
  if (url && window.history.replaceState) { window.history.replaceState(null, "", url); }
});

// A form that came back with problems: focus moves to the list of problems, so a screen reader reads it at once
// and a keyboard user starts there; each item's link puts the focus in the field it is about (a link to an id
// only scrolls).
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (!summary) { return; }
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    var target = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!target) { return; }
    event.preventDefault();
    var field = target.matches("input, textarea, select, fieldset, [tabindex]") ? target
      : target.querySelector("input:not([type=hidden]), textarea, select");
    (field || target).focus();
    (field || target).scrollIntoView({ block: "center" });
  });
});
