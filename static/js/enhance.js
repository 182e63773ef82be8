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

// The staff navigation's menus (<details>, templates/staff/base.html) work without script; with it, one is open at a
// time, Escape closes it (the focus back on its name), and a click or focus elsewhere closes it.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var menus = Array.prototype.slice.call(document.querySelectorAll(".staff-nav details"));
  if (!menus.length) { return; }
  function closeAll(except) {
    menus.forEach(function (menu) { if (menu !== except) { menu.open = false; } });
  }
  menus.forEach(function (menu) {
    menu.addEventListener("toggle", function () { if (menu.open) { closeAll(menu); } });
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest(".staff-nav details")) { closeAll(null); }
  });
  document.addEventListener("focusin", function (event) {
    if (!event.target.closest(".staff-nav details")) { closeAll(null); }
  });
});
