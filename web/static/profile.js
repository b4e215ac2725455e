// Profile form: Enter in the school search box searches instead of saving. Without this file
// the Search button does the same.
(function () {
  "use strict";
  document.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && e.target && e.target.id === "q" && e.target.form) {
      var b = document.getElementById("school-search-button");
      if (b) { e.preventDefault(); b.click(); }
    }
  });
})();
