// Keeps the bulk invitation's progress page current: reads the page's JSON every few seconds while e-mails
// wait, and says the new figures through the status line (aria-live). Without this script the page is reloaded.
(function () {
  "use strict";
  var section = document.querySelector(".alp-sending");
  var bar = document.getElementById("sending-bar");
  var status = document.getElementById("sending-status");
  var stalled = document.getElementById("sending-stalled");
  if (!section || !bar || !status || !window.fetch) {
    return;
  }
  function poll() {
    fetch(section.getAttribute("data-progress-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (figures) {
        if (!figures) {
          return;
        }
        bar.max = figures.total || 1;
        bar.value = figures.emailed;
        bar.textContent = figures.emailed + " / " + figures.total;
        if (status.textContent !== figures.status) {
          status.textContent = figures.status; // already in the reader's language
        }
        stalled.hidden = !figures.stalled;
        if (figures.waiting) {
          window.setTimeout(poll, 3000);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 10000);
      });
  }
  if (bar.value < bar.max) {
    window.setTimeout(poll, 3000);
  }
})();
