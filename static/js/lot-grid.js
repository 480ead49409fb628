// Marks a measured value outside its limits while the inspector types (the server decides on save).
// A value exactly on a limit is in spec. Works without this script; it only adds the highlight.
(function () {
  "use strict";
  function limit(text) {
    return text === "" ? null : Number(text);
  }
  function check(input) {
    var text = input.value.trim().replace(",", ".");
    var lsl = limit(input.dataset.lsl);
    var usl = limit(input.dataset.usl);
    var value = text === "" ? NaN : Number(text);
    var outside = !Number.isNaN(value) && ((lsl !== null && value < lsl) || (usl !== null && value > usl));
    input.classList.toggle("out-of-spec", outside);
  }
  document.querySelectorAll(".data-grid input[data-usl], .data-grid input[data-lsl]").forEach(function (input) {
    input.addEventListener("input", function () { check(input); });
  });
})();
