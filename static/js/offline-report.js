// Reporting without a connection (issue 11). A report finished while the phone is offline is kept on the phone
// (localStorage: one waiting report, nothing else), the person is told it waits, and it is sent to
// /melden/wachtend as soon as the connection returns: on the `online` event, or on the next visit to any public
// page if the page was closed meanwhile. The send carries the form's submission key, so a second reconnect or a
// second tab can never make a second report. After the send the receipt page shows the reference and tracking
// link. A photo chosen while offline cannot be kept: the notice says it will be sent without it.
(function () {
  "use strict";
  var KEY = "samen-alert-waiting-report";
  var sending = false;

  // Staff pages never install the public worker (field mode has its own, scoped to /veld/).
  var STAFF = /^\/(medewerkers|veld|beheer|analyse)(\/|$)/;
  if ("serviceWorker" in navigator && !STAFF.test(window.location.pathname)) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () { return null; });
  }

  function waiting() {
    try { return JSON.parse(window.localStorage.getItem(KEY) || "null"); } catch (e) { return null; }
  }

  function keep(report) { window.localStorage.setItem(KEY, JSON.stringify(report)); }
  function forget() { window.localStorage.removeItem(KEY); }

  function notice() { return document.getElementById("offline-notice"); }

  function say(textKey, extra) {
    var box = notice();
    if (!box) { return; }
    box.textContent = "";
    var p = document.createElement("p");
    p.textContent = box.getAttribute("data-" + textKey);
    box.appendChild(p);
    (extra || []).forEach(function (node) { box.appendChild(node); });
    box.hidden = false;
  }

  function paragraph(text) {
    var p = document.createElement("p");
    p.textContent = text;
    return p;
  }

  function reportPath(form) {
    // getAttribute: the form's buttons are named "action", which hides form.action.
    var match = new URL(form.getAttribute("action") || window.location.href, window.location.href).pathname
      .match(/^\/melden\/([a-z_-]+)\/([a-z0-9_-]+)/);
    return match ? { kind: match[1], category: match[2], path: match[0] } : null;
  }

  function keepForm(form, event) {
    var where = reportPath(form);
    if (!where) { return; }
    event.preventDefault();
    var fields = {};
    var photoDropped = false;
    new FormData(form).forEach(function (value, name) {
      if (typeof value !== "string") {  // a file: it cannot wait on the phone
        if (value && value.size) { photoDropped = true; }
        return;
      }
      if (name === "csrf_token" || name === "action") { return; }
      (fields[name] = fields[name] || []).push(value);
    });
    keep({ kind: where.kind, category: where.category, path: where.path, fields: fields,
           photoDropped: photoDropped, savedAt: new Date().toISOString() });
    showWaiting();
    if (notice()) { notice().scrollIntoView({ block: "start" }); }
  }

  function showWaiting() {
    var report = waiting();
    if (!report || report.refused) { return; }
    say("waiting", report.photoDropped ? [paragraph(notice().getAttribute("data-photo-dropped"))] : []);
  }

  function showRefused(report) {
    var box = notice();
    if (!box) { return; }
    var list = document.createElement("ul");
    (report.refused || []).forEach(function (text) {
      var item = document.createElement("li");
      item.textContent = text;
      list.appendChild(item);
    });
    var link = document.createElement("a");
    link.href = report.path;
    link.textContent = box.getAttribute("data-change");
    var p = document.createElement("p");
    p.appendChild(link);
    say("refused", [list, p]);
  }

  // A refused waiting report is put back into its form, so nothing typed is lost.
  function restoreInto(form, report) {
    Object.keys(report.fields).forEach(function (name) {
      var values = report.fields[name];
      form.querySelectorAll("[name='" + name.replace(/'/g, "") + "']").forEach(function (input) {
        if (input.type === "checkbox" || input.type === "radio") {
          input.checked = values.indexOf(input.value) !== -1;
        } else if (input.type !== "file") {
          input.value = values[0];
        }
      });
    });
    forget();
  }

  function send() {
    var report = waiting();
    if (!report || report.refused || sending || navigator.onLine === false) { return; }
    sending = true;
    say("sending");
    fetch("/melden/wachtend", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-Samen-Alert-Queued": "1", "Accept": "application/json" },
      body: JSON.stringify({ kind: report.kind, category: report.category, fields: report.fields })
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (answer) {
        if (response.ok && answer.ok) {
          forget();
          window.location.assign(answer.receipt);
        } else if (response.status === 422 || response.status === 400 || response.status === 404) {
          report.refused = answer.errors && answer.errors.length ? answer.errors : [];
          keep(report);
          showRefused(report);
        } else {
          showWaiting();  // the server is busy (429, 5xx): try again at the next reconnect or visit
        }
      });
    }).catch(function () {
      showWaiting();
    }).then(function () { sending = false; });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("#report-form, .review-form").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        // Only finishing the report waits; searching a place or changing it needs the server.
        var action = event.submitter ? event.submitter.value : "review";
        if (navigator.onLine === false && (action === "review" || action === "send")) { keepForm(form, event); }
      });
    });
    var report = waiting();
    var form = document.getElementById("report-form");
    if (report && report.refused) {
      var here = form && reportPath(form);
      if (here && here.path === report.path) {
        restoreInto(form, report);
      } else {
        showRefused(report);
      }
    } else if (report) {
      showWaiting();
      send();
    }
  });
  window.addEventListener("online", send);
})();
