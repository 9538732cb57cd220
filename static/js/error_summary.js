// A refused form: focus goes to the list of its errors (announced by role="alert"), whose links lead to each field.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest("#error-summary a[href^='#']");
    if (!link) {
      return;
    }
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (field) {
      event.preventDefault();
      var details = field.closest("details");
      if (details) {
        details.open = true;
      }
      // A group of choices: its first choice that can be chosen.
      var input = field.matches("input, select, textarea")
        ? field
        : field.querySelector("input:not([type=hidden]):not([disabled]), select, textarea") || field;
      input.focus();
      field.scrollIntoView({ block: "center" });
    }
  });
})();
