// The data grid as a spreadsheet: Enter moves down (Shift+Enter up), Tab right, the arrow keys between
// cells; a block pasted from Excel or Google Sheets (tabs and line breaks) fills the cells from the
// focused one. A value outside its limits and a cell that cannot be read are marked in words and with
// aria-invalid, not only in colour. Leaving the page with unsaved input asks first.
// The server checks every value again on save, and the page works without this script: the form's
// first (hidden) button saves, so Enter never means "Add a finding" or "Remove".
(function () {
  "use strict";
  var table = document.querySelector("table.data-grid");
  if (!table) return;
  var form = table.closest("form");
  var body = table.tBodies[0];
  var say = table.dataset; // the page's messages, in the user's language
  var verdicts = say.verdicts.split("|");
  var NUMBER = /^[+-]?(\d+([.,]\d*)?|[.,]\d+)$/;
  var unsaved = form.dataset.unsaved === "true";

  function fill(message, key, value) {
    return message.replace("%(" + key + ")s", value);
  }

  // What is wrong with a cell, as [kind, words]: "bad" (unreadable), "above", "below", or "" (fine).
  function judge(input) {
    var text = input.value.trim();
    if (text === "") return ["", ""];
    if (text.charAt(0) === "=") return ["bad", say.formula];
    if (!input.hasAttribute("data-usl")) {
      return verdicts.indexOf(text.toLowerCase()) < 0 ? ["bad", fill(say.verdict, "text", text)] : ["", ""];
    }
    var compact = text.replace(/[ \u00a0]/g, "");
    if (!NUMBER.test(compact)) return ["bad", fill(say.number, "text", text)];
    var decimals = compact.split(/[.,]/)[1] || "";
    if (decimals.length > Number(say.placesMax)) return ["bad", say.places];
    var value = Number(compact.replace(",", "."));
    var usl = input.dataset.usl, lsl = input.dataset.lsl;
    if (usl !== "" && value > Number(usl)) return ["above", say.above];
    if (lsl !== "" && value < Number(lsl)) return ["below", say.below];
    return ["", ""];
  }

  // Marks the cell; while typing (strict false) a text that does not read yet is not called wrong.
  function mark(input, strict) {
    var verdict = judge(input);
    if (verdict[0] === "bad" && !strict) verdict = ["", ""];
    var id = "note-" + input.name;
    var note = document.getElementById(id);
    input.classList.toggle("is-invalid", verdict[0] === "bad");
    input.classList.toggle("out-of-spec", verdict[0] === "above" || verdict[0] === "below");
    if (!verdict[0]) {
      if (note) note.remove();
      input.removeAttribute("aria-invalid");
      input.removeAttribute("aria-describedby");
      return verdict[0];
    }
    if (!note) {
      note = document.createElement("div");
      note.id = id;
      input.after(note);
    }
    note.className = "cell-note " + (verdict[0] === "bad" ? "invalid-feedback" : "spec-note");
    note.textContent = verdict[1];
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", id);
    return verdict[0];
  }

  function cellAt(row, column) {
    var tr = body.rows[row];
    var td = tr && column > 0 ? tr.cells[column] : null; // column 0 is the sample number
    return td ? td.querySelector("input") : null;
  }

  function place(input) {
    var td = input.closest("td");
    return [td.parentElement.sectionRowIndex, td.cellIndex];
  }

  function step(event, input) {
    var end = input.value.length, from = input.selectionStart, to = input.selectionEnd;
    var whole = from === 0 && to === end; // a cell entered by moving has its text selected
    switch (event.key) {
      case "Enter": return [event.shiftKey ? -1 : 1, 0];
      case "ArrowDown": return [1, 0];
      case "ArrowUp": return [-1, 0];
      case "ArrowLeft": return !event.shiftKey && (whole || to === 0) ? [0, -1] : null;
      case "ArrowRight": return !event.shiftKey && (whole || from === end) ? [0, 1] : null;
    }
    return null;
  }

  table.addEventListener("keydown", function (event) {
    var input = event.target;
    if (input.tagName !== "INPUT" || event.altKey || event.ctrlKey || event.metaKey || event.isComposing) return;
    var move = step(event, input);
    if (!move) return;
    event.preventDefault(); // Enter never submits the form from the grid
    var at = place(input);
    var target = cellAt(at[0] + move[0], at[1] + move[1]);
    if (target) {
      target.focus();
      target.select();
    }
  });

  table.addEventListener("paste", function (event) {
    var input = event.target;
    if (input.tagName !== "INPUT" || !event.clipboardData) return;
    var text = event.clipboardData.getData("text/plain").replace(/\r\n?/g, "\n").replace(/\n$/, "");
    if (text.indexOf("\t") < 0 && text.indexOf("\n") < 0) return; // one value: the browser pastes it
    event.preventDefault();
    var at = place(input);
    var pasted = 0, unreadable = 0, outside = 0;
    text.split("\n").forEach(function (line, down) {
      line.split("\t").forEach(function (value, right) {
        var cell = cellAt(at[0] + down, at[1] + right);
        if (!cell) {
          outside += 1;
          return;
        }
        cell.value = value.trim();
        pasted += 1;
        if (mark(cell, true) === "bad") unreadable += 1;
      });
    });
    unsaved = true;
    var words = [fill(say.pasted, "n", pasted)];
    if (unreadable) words.push(fill(say.unreadable, "n", unreadable));
    if (outside) words.push(fill(say.outside, "n", outside));
    document.getElementById("grid-status").textContent = words.join(" ");
  });

  table.addEventListener("input", function (event) {
    if (event.target.tagName === "INPUT") mark(event.target, false);
  });
  table.addEventListener("change", function (event) {
    if (event.target.tagName === "INPUT") mark(event.target, true);
  });

  form.addEventListener("input", function () { unsaved = true; });
  form.addEventListener("change", function () { unsaved = true; });
  form.addEventListener("submit", function () { unsaved = false; });
  window.addEventListener("beforeunload", function (event) {
    if (!unsaved) return;
    event.preventDefault();
    event.returnValue = ""; // older browsers ask only when this is set
  });
})();
