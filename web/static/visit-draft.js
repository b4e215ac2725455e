// Penggerak: the visit log keeps what the PP types on the phone. Every keystroke is copied to
// localStorage; htmx autosaves the draft to the server; when the connection is down the text stays
// on the phone and is sent when it comes back, and the page says which state it is in. Without
// JavaScript the form still saves with its buttons.
(function () {
  "use strict";
  var form = document.getElementById("visit-log");
  if (!form || !window.localStorage) return;
  var key = "penggerak-visit-" + form.dataset.visit;
  var state = document.getElementById("visit-state");
  function say(k) {
    if (state && state.dataset[k]) {
      state.textContent = state.dataset[k];
      state.classList.toggle("bad", k === "offline" || k === "invalid");
    }
  }
  function snapshot() {
    var o = { _at: Date.now() };
    new FormData(form).forEach(function (v, k) {
      if (k !== "action" && k !== "sure") o[k] = v;
    });
    try { localStorage.setItem(key, JSON.stringify(o)); } catch (e) { /* storage full: the server copy remains */ }
  }
  function apply(o) {
    Object.keys(o).forEach(function (k) {
      if (k === "_at") return;
      form.querySelectorAll('[name="' + k + '"]').forEach(function (el) {
        if (el.type === "radio") el.checked = el.value === o[k];
        else el.value = o[k];
      });
    });
  }
  function send() {
    if (window.htmx) window.htmx.trigger(form, "visit-resend");
  }
  var saved = null;
  try { saved = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { saved = null; }
  if (saved && saved._at > Number(form.dataset.savedAt || 0)) {
    apply(saved);
    say("restored");
    if (navigator.onLine) send();
  } else if (saved) {
    localStorage.removeItem(key);
  }
  form.addEventListener("input", snapshot);
  form.addEventListener("change", snapshot);
  document.addEventListener("htmx:beforeRequest", function (e) {
    if (e.detail.elt === form) say("saving");
  });
  document.addEventListener("htmx:afterRequest", function (e) {
    if (e.detail.elt !== form) return;
    if (e.detail.successful) localStorage.removeItem(key);
  });
  document.addEventListener("htmx:sendError", function (e) {
    if (e.detail.elt === form) say("offline");
  });
  document.addEventListener("htmx:responseError", function (e) {
    if (e.detail.elt === form) say("invalid");
  });
  window.addEventListener("online", send);
  window.addEventListener("offline", function () { say("offline"); });
  // Sending while offline would lose the page: keep it and say so instead.
  form.addEventListener("submit", function (e) {
    if (!navigator.onLine) {
      e.preventDefault();
      snapshot();
      say("offline");
    }
  });
})();
