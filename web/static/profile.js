// Profile form: Enter in the school search box searches instead of saving. Enter submits the
// form through its first (hidden) save button; when the search box has the focus, that submit
// becomes a click on the Search button. Without this file the Search button does the same.
(function () {
  "use strict";
  document.addEventListener("submit", function (e) {
    var active = document.activeElement;
    if (!e.submitter || !e.submitter.classList.contains("default-submit") || !active || active.id !== "q") return;
    var b = document.getElementById("school-search-button");
    if (b) { e.preventDefault(); window.setTimeout(function () { b.click(); }, 0); }
  });
})();
