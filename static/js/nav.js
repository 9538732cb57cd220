// On a phone the navigation folds behind one button, which names the page the reader is on ("Menu · Automapeo")
// so that folding it hides nothing of where they are. Without this script the lists stay open.
(function () {
  "use strict";
  var toggle = document.querySelector(".nav-toggle");
  var lists = document.getElementById("site-nav-lists");
  if (!toggle || !lists || !lists.querySelector("a")) {
    return;
  }
  var current = lists.querySelector("[aria-current='page']");
  if (current) {
    var where = document.createElement("span");
    where.className = "nav-current";
    where.textContent = " · " + current.textContent.trim();
    toggle.appendChild(where);
  }
  toggle.hidden = false;
  toggle.closest(".site-nav").classList.add("nav-collapsible");
  toggle.addEventListener("click", function () {
    toggle.setAttribute("aria-expanded", String(toggle.getAttribute("aria-expanded") !== "true"));
  });
})();
