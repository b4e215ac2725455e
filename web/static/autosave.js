// Penggerak: essay autosave that loses nothing typed. The essays page works without this file
// (the Save button posts the form); with it, every keystroke is kept in this browser's storage
// (localStorage) at once and sent to the server two seconds after typing stops. While offline
// the draft stays on the device and is sent when the connection returns or when the page is
// opened again. A newer copy on the server (saved from another device) is never overwritten by
// an older local one: each local draft carries the time it was typed, each textarea the time the
// server last saved it (data-server-updated, milliseconds), and the later one wins.
//
// Markup: <form data-autosave="/lamaran/1/esai/draf" data-autosave-key="penggerak:esai:1">
//           <textarea name="essay_7" data-server-updated="1764662400000">…</textarea>
//           <p id="autosave" data-state-…="text">
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form) return;
  var status = document.getElementById("autosave");
  var url = form.dataset.autosave;
  var prefix = form.dataset.autosaveKey + ":";
  var fields = Array.prototype.slice.call(form.querySelectorAll("textarea[name^='essay_']"));
  var timer = null;
  var sending = false;
  var again = false;

  function storage() {
    try {
      return window.localStorage;
    } catch (e) {
      return null; // storage disabled: autosave still sends, it only cannot keep a copy
    }
  }
  function key(f) { return prefix + f.name; }
  function readLocal(f) {
    var s = storage();
    if (!s) return null;
    try {
      var v = JSON.parse(s.getItem(key(f)) || "null");
      return v && typeof v.body === "string" && typeof v.at === "number" ? v : null;
    } catch (e) {
      return null;
    }
  }
  function writeLocal(f) {
    var s = storage();
    if (!s) return;
    try {
      s.setItem(key(f), JSON.stringify({ body: f.value, at: Date.now() }));
    } catch (e) { /* quota full: the server copy is still sent */ }
  }
  function dropLocal(f, body) {
    var s = storage();
    var v = readLocal(f);
    if (s && v && v.body === body) s.removeItem(key(f));
  }
  function serverTime(f) { return parseInt(f.dataset.serverUpdated || "0", 10) || 0; }
  function pending() { return fields.filter(function (f) { return readLocal(f) !== null; }); }

  // say shows a state: the text comes from the page (data-state-<name>) in its language.
  function say(name, text) {
    if (!status) return;
    if (text === undefined && status.dataset.state === name) return; // nothing new to announce
    status.dataset.state = name;
    status.textContent = text !== undefined ? text : status.getAttribute("data-state-" + name) || "";
    status.classList.toggle("bad", name === "offline" || name === "failed" || name === "timeout");
  }

  // send posts every field with an unsent local draft. A failure keeps the drafts; the next
  // input, the browser going online, or opening the page again tries again.
  function send() {
    clearTimeout(timer);
    var todo = pending();
    if (todo.length === 0) return;
    if (sending) {
      again = true;
      return;
    }
    if (navigator.onLine === false) {
      say("offline");
      return;
    }
    sending = true;
    say("sending");
    var body = new URLSearchParams();
    var sent = {};
    todo.forEach(function (f) {
      body.append(f.name, f.value);
      sent[f.name] = f.value;
    });
    // No answer within the page's timeout (a little longer than the server's own deadline):
    // the page says the draft is not saved on the server (it stays on this device) and tries
    // again shortly.
    var ctrl = window.AbortController ? new AbortController() : null;
    var wait = parseInt(status && status.dataset.timeoutMs, 10) || 20000;
    var timedOut = false;
    var deadline = ctrl ? setTimeout(function () { timedOut = true; ctrl.abort(); }, wait) : null;
    var failed = false;
    fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-Autosave": "1" },
      signal: ctrl ? ctrl.signal : undefined,
    }).then(function (res) {
      return res.text().then(function (text) {
        if (!res.ok || res.headers.get("X-Autosave-Saved") === null) {
          say("failed", text.replace(/<[^>]*>/g, "").trim() || undefined);
          return;
        }
        var at = parseInt(res.headers.get("X-Autosave-Saved"), 10) || Date.now();
        todo.forEach(function (f) {
          f.dataset.serverUpdated = String(at);
          dropLocal(f, sent[f.name]); // a newer keystroke typed meanwhile stays pending
        });
        say("saved", text.replace(/<[^>]*>/g, "").trim());
      });
    }).catch(function () {
      failed = true;
      say(timedOut ? "timeout" : "offline");
    }).then(function () {
      if (deadline) clearTimeout(deadline);
      sending = false;
      if (failed && navigator.onLine !== false) {
        setTimeout(schedule, 10000); // the server took too long: try again
      } else if (again || pending().some(function (f) { return readLocal(f).body !== sent[f.name]; })) {
        again = false;
        schedule();
      }
    });
  }
  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(send, 2000);
  }

  // Opening the page: restore each local draft that is newer than the server's copy, drop the
  // ones the server has overtaken, and send what is left.
  var restored = false;
  var overtaken = false;
  fields.forEach(function (f) {
    var v = readLocal(f);
    if (!v) return;
    if (v.body === f.value) {
      if (serverTime(f) >= v.at) storage().removeItem(key(f));
      return;
    }
    if (serverTime(f) > v.at) {
      storage().removeItem(key(f));
      overtaken = true;
      return;
    }
    f.value = v.body;
    f.dispatchEvent(new Event("input", { bubbles: true })); // the counter follows
    restored = true;
  });
  if (overtaken) say("overtaken");
  if (restored) {
    say("restored");
    setTimeout(send, 500);
  } else if (pending().length > 0) {
    send();
  }

  form.addEventListener("input", function (e) {
    if (!e.isTrusted || fields.indexOf(e.target) < 0) return;
    writeLocal(e.target);
    say(navigator.onLine === false ? "offline" : "local");
    schedule();
  });
  window.addEventListener("online", function () { send(); });
  window.addEventListener("offline", function () { if (pending().length > 0) say("offline"); });
  // The Save button posts the whole form; once the page comes back the drafts match and go.
  form.addEventListener("submit", function () { clearTimeout(timer); });
})();
