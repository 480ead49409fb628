// A table wider than its card scrolls inside it; a keyboard must reach it too (WCAG 2.1.1): while
// its content is wider than the card and holds nothing focusable, the scroller itself takes focus
// (tabindex 0) so that the arrow keys scroll it. Narrow tables add no tab stop.
(function () {
  "use strict";
  var FOCUSABLE = "a[href], button, input, select, textarea, [tabindex]";
  function mark() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.querySelector(FOCUSABLE)) {
        box.setAttribute("tabindex", "0");
      } else if (box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
      }
    });
  }
  mark();
  window.addEventListener("resize", mark);
})();
