// The session roster: each choice is saved as it is made, without reloading the page.
// Keys: the arrow keys choose within a row (the browser's radio groups); P, A and E mark present, absent
// or excused and move to the next person. Without this script the form still works with its Save button.
(function () {
  "use strict";
  var form = document.getElementById("roster-form");
  if (!form) {
    return;
  }
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var keys = { p: "present", a: "absent", e: "excused", 1: "present", 2: "absent", 3: "excused" };

  function rowOf(input) {
    return input.closest("tr");
  }

  function announce(row, text, failed) {
    var box = row.querySelector(".alp-saved");
    box.textContent = text;
    box.classList.toggle("is-error", Boolean(failed));
  }

  function save(input) {
    var row = rowOf(input);
    var body = new FormData();
    body.append(input.name, input.value);
    announce(row, form.dataset.saving);
    fetch(form.action || window.location.href, {
      method: "POST",
      body: body,
      headers: { "X-CSRFToken": token, Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.json().then(function (data) {
          if (!response.ok || !data.ok) {
            throw new Error((data.errors || []).join(" "));
          }
          announce(row, data.message);
        });
      })
      .catch(function (error) {
        announce(row, form.dataset.failed + (error.message ? " (" + error.message + ")" : ""), true);
      });
  }

  function focusNext(row) {
    var next = row.nextElementSibling;
    if (!next) {
      return;
    }
    var target = next.querySelector("input[type=radio]:checked") || next.querySelector("input[type=radio]");
    if (target) {
      target.focus();
    }
  }

  form.addEventListener("change", function (event) {
    if (event.target.matches("input[type=radio]")) {
      save(event.target);
    }
  });

  form.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.matches("input[type=radio]") || event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    var value = keys[event.key.toLowerCase()];
    if (!value) {
      return;
    }
    event.preventDefault();
    var row = rowOf(input);
    var choice = row.querySelector("input[type=radio][value=" + value + "]");
    if (!choice.checked) {
      choice.checked = true;
      save(choice);
    }
    focusNext(row);
  });
})();
