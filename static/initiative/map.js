// Shows the name of the marker that has the keyboard focus or the pointer under the map, so that sighted
// keyboard users read it too (the SVG <title> is a tooltip on hover and is read out by screen readers).
(function () {
  "use strict";
  var box = document.querySelector(".map-box");
  if (!box) { return; }
  var label = box.querySelector(".map-label");
  function show(event) {
    var link = event.target.closest ? event.target.closest(".markers a") : null;
    var title = link ? link.querySelector("title") : null;
    if (!title) { return; }
    label.textContent = title.textContent;
    label.hidden = false;
  }
  function hide() { label.hidden = true; }
  box.addEventListener("focusin", show);
  box.addEventListener("mouseover", show);
  box.addEventListener("focusout", hide);
  box.addEventListener("mouseleave", hide);
}());
