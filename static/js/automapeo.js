/* The Automapeo form, made nicer: autosave every few seconds, add and remove actions in place.
   Without this script the form still works: "Save draft" saves, the last empty action adds one. */
(function () {
  "use strict";

  var form = document.getElementById("automapeo-form");
  if (!form || !window.fetch || !window.FormData) { return; }

  var DELAY = 3000;
  var delay = DELAY;
  var url = form.getAttribute("data-autosave-url");
  var statusLine = document.getElementById("autosave-status");
  var actions = document.getElementById("actions");
  var template = document.getElementById("action-template");
  var addButton = document.getElementById("add-action");
  var total = form.querySelector("input[name='actions-TOTAL_FORMS']");
  var revision = form.querySelector("input[name='revision']");
  var csrf = form.querySelector("input[name='csrfmiddlewaretoken']");

  var timer = null;
  var inFlight = false;
  var dirty = false;
  var stopped = false;
  var pendingSubmitter = null;

  function say(text, kind) {
    if (!statusLine) { return; }
    statusLine.textContent = text;
    statusLine.className = "autosave-status" + (kind ? " " + kind : "");
  }

  function schedule() {
    dirty = true;
    if (stopped) { return; }
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(save, delay);
  }

  function markErrors(errors) {
    form.querySelectorAll(".js-error").forEach(function (node) { node.remove(); });
    Object.keys(errors || {}).forEach(function (name) {
      var input = form.querySelector("[name='" + name + "']");
      if (!input) { return; }
      var note = document.createElement("span");
      note.className = "field-error js-error";
      note.textContent = errors[name].join(" ");
      input.setAttribute("aria-invalid", "true");
      input.insertAdjacentElement("afterend", note);
    });
  }

  function save() {
    timer = null;
    if (inFlight || stopped) { if (inFlight) { dirty = true; } return; }
    inFlight = true;
    dirty = false;
    var body = new FormData(form);
    fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf ? csrf.value : "", "Accept": "application/json" }
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (response.redirected || type.indexOf("application/json") === -1) {
        // A login page or an error page instead of our answer: the session ended, or the server failed.
        return { status: 0, data: { message: statusLine.getAttribute("data-session") } };
      }
      return response.json().then(function (data) { return { status: response.status, data: data }; });
    }).then(function (result) {
      var data = result.data;
      if (result.status === 200) {
        delay = DELAY;
        revision.value = data.revision;
        Object.keys(data.ids || {}).forEach(function (prefix) {
          var idInput = form.querySelector("input[name='" + prefix + "-id']");
          if (idInput) { idInput.value = data.ids[prefix]; }
        });
        markErrors({});
        say(data.message, "ok");
      } else {
        if (result.status === 409 || result.status === 403 || result.status === 0) { stopped = true; }
        markErrors(data.errors);
        say(data.message || "", "error");
      }
    }).catch(function () {
      // Offline or unreachable: try again, less and less often.
      dirty = true;
      delay = Math.min(delay * 2, 60000);
      say(statusLine ? statusLine.getAttribute("data-offline") || "" : "", "error");
    }).then(function () {
      inFlight = false;
      if (pendingSubmitter) {
        var submitter = pendingSubmitter;
        pendingSubmitter = null;
        form.requestSubmit(submitter);
      } else if (dirty && !stopped) {
        schedule();
      }
    });
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", function (event) {
    if (event.target.type === "checkbox" && event.target.hasAttribute("data-number")) {
      updateSummary(event.target.closest("fieldset.reference"));
    }
    schedule();
  });

  function updateSummary(fieldset) {
    if (!fieldset) { return; }
    var chosen = [];
    fieldset.querySelectorAll("input[type='checkbox']:checked").forEach(function (box) {
      chosen.push(box.getAttribute("data-number"));
    });
    var span = fieldset.querySelector(".chosen");
    if (span && chosen.length) { span.textContent = chosen.join(", "); }
  }

  form.addEventListener("submit", function (event) {
    if (timer) { clearTimeout(timer); timer = null; }
    if (inFlight) {
      // Wait for the autosave to answer, so that the form carries the revision it produced.
      event.preventDefault();
      pendingSubmitter = event.submitter || null;
      return;
    }
    dirty = false;
    form.querySelectorAll("button[type='submit']").forEach(function (button) {
      setTimeout(function () { button.disabled = true; }, 0);
    });
  });

  window.addEventListener("beforeunload", function (event) {
    if (dirty || inFlight) { event.preventDefault(); }
  });

  function enhanceRemove(fieldset) {
    var box = fieldset.querySelector(".delete-box");
    if (!box) { return; }
    var line = box.parentNode;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "secondary remove-action";
    button.textContent = line.getAttribute("data-button-label");
    line.hidden = true;
    line.insertAdjacentElement("afterend", button);
    button.addEventListener("click", function () {
      box.checked = true;
      fieldset.hidden = true;
      schedule();
    });
  }

  actions.querySelectorAll("fieldset.action").forEach(enhanceRemove);

  if (template && addButton && total) {
    addButton.hidden = false;
    addButton.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      var holder = document.createElement("div");
      holder.innerHTML = html;
      var fieldset = holder.querySelector("fieldset.action");
      actions.appendChild(fieldset);
      total.value = String(index + 1);
      enhanceRemove(fieldset);
      var title = fieldset.querySelector("input[type='text']");
      if (title) { title.focus(); }
    });
  }
})();
