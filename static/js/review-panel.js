// The lot page's review panel scrolls inside itself on wide screens: when a refused decision comes
// back, bring its first field in error into view and focus it, so the message beside it is read.
(function () {
  "use strict";
  var invalid = document.querySelector(".review-side [aria-invalid='true']");
  if (invalid) {
    invalid.scrollIntoView({ block: "center" });
    invalid.focus({ preventScroll: true });
  }
})();
