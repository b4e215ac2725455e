// Penggerak: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";
  // Live character counters: <textarea data-counter data-min="100" data-max="2000">
  // with an element #<id>-count next to it.
  function updateCounter(el) {
    var out = document.getElementById(el.id + "-count");
    if (!out) return;
    var n = Array.from(el.value).length;
    var min = parseInt(el.dataset.min || "0", 10);
    var max = parseInt(el.dataset.max || "0", 10);
    out.textContent = n + (max ? " / " + max : "");
    out.classList.toggle("bad", (max && n > max) || (min && n < min));
  }
  document.addEventListener("input", function (e) {
    if (e.target.matches && e.target.matches("[data-counter]")) updateCounter(e.target);
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-counter]").forEach(updateCounter);
    var summary = document.querySelector(".error-summary");
    if (summary) summary.focus();
  });
  // Essay autosave (htmx into #autosave): when a save fails (offline, refused, or no answer
  // within htmx's timeout, set in the htmx-config meta tag), say so instead
  // of leaving the last "saved at" time on screen; the next successful save clears it.
  function autosaveFailed(e) {
    var el = document.getElementById("autosave");
    if (!el || !e.detail || e.detail.target !== el) return;
    el.textContent = el.dataset.failed || "";
    el.classList.add("bad");
  }
  document.addEventListener("htmx:sendError", autosaveFailed);
  document.addEventListener("htmx:responseError", autosaveFailed);
  document.addEventListener("htmx:timeout", autosaveFailed);
  document.addEventListener("htmx:afterSwap", function (e) {
    if (e.detail && e.detail.target && e.detail.target.id === "autosave") e.detail.target.classList.remove("bad");
  });
  // Signing out clears the essay drafts kept in this browser (web/static/autosave.js), so the
  // next person at a shared computer does not find them.
  document.addEventListener("submit", function (e) {
    if (!e.target.matches || !e.target.matches("form[action='/keluar']")) return;
    try {
      for (var i = localStorage.length - 1; i >= 0; i--) {
        var k = localStorage.key(i);
        if (k && k.indexOf("penggerak:esai:") === 0) localStorage.removeItem(k);
      }
    } catch (err) { /* storage disabled */ }
  });
  // Ask before a destructive submit: <form data-confirm="text">
  document.addEventListener("submit", function (e) {
    var msg = e.target.dataset && e.target.dataset.confirm;
    if (msg && !window.confirm(msg)) e.preventDefault();
  });
})();
