// The queue page at the desk (its filters apply on change through auto-filter.js): a bulk action shows only the fields it needs,
// the page's reports can be selected at once, and the keyboard moves through the list (j/k, x, Enter).
(function () {
  "use strict";
  var bulk = document.getElementById("bulk-form");
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr[data-report-row]"));
  var boxes = rows.map(function (row) { return row.querySelector("input[type=checkbox][name=report]"); })
    .filter(Boolean);
  var count = document.getElementById("selected-count");
  var all = document.getElementById("select-all");

  function showSelected() {
    if (!count) { return; }
    var n = boxes.filter(function (b) { return b.checked; }).length;
    count.textContent = n ? n + " \u2713" : "";
    if (all) { all.checked = n > 0 && n === boxes.length; }
  }
  boxes.forEach(function (b) { b.addEventListener("change", showSelected); });
  if (all && boxes.length) {
    all.hidden = false;
    all.addEventListener("change", function () {
      boxes.forEach(function (b) { b.checked = all.checked; });
      showSelected();
    });
  }

  var action = bulk && bulk.querySelector("[data-bulk=action]");
  function showFieldsFor() {
    var chosen = action.value;
    Array.prototype.forEach.call(bulk.querySelectorAll("[data-bulk-for]"), function (label) {
      label.hidden = label.getAttribute("data-bulk-for") !== chosen;
    });
  }
  if (action) {
    action.addEventListener("change", showFieldsFor);
    showFieldsFor();
  }

  function typing(target) {
    if (target.tagName === "INPUT") { return !/^(checkbox|radio|submit|button)$/.test(target.type); }
    return Boolean(target.closest && target.closest("select, textarea, [contenteditable]"));
  }

  // Keyboard: never while typing in a field, never with a modifier (the browser's own shortcuts stay).
  var current = -1;
  function focusRow(index) {
    if (!rows.length) { return; }
    current = Math.max(0, Math.min(rows.length - 1, index));
    rows.forEach(function (row, i) { row.classList.toggle("current", i === current); });
    rows[current].querySelector("a").focus();
  }
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (typing(target)) { return; }
    if (event.key === "j") { focusRow(current + 1); event.preventDefault(); }
    else if (event.key === "k") { focusRow(current - 1); event.preventDefault(); }
    else if (event.key === "x" && current >= 0) {
      var box = rows[current].querySelector("input[name=report]");
      if (box) { box.checked = !box.checked; showSelected(); event.preventDefault(); }
    }
  });
}());
