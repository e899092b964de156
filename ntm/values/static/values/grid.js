/* The bulk entry grid, like a spreadsheet: arrows, Enter and Tab move between cells;
   a column or a block pasted from Excel fills the cells from the focused one down and
   right; changed cells are marked and quickly checked here. The server checks every
   cell again (plan_values) and saves nothing until the whole grid is valid; without
   this script the grid is a plain form that works the same. */
(function () {
  "use strict";

  var form = document.querySelector("[data-entry-grid]");
  if (!form) return;

  var inputs = Array.prototype.slice.call(form.querySelectorAll("input[data-row]"));
  var cells = {};
  inputs.forEach(function (input) {
    cells[input.dataset.row + ":" + input.dataset.col] = input;
  });
  var decimal = form.dataset.decimal || ",";
  var lastCol = inputs.reduce(function (most, input) {
    return Math.max(most, Number(input.dataset.col));
  }, 0);
  var counts = form.querySelector("[data-grid-counts]");
  var submitting = false;

  function message(name, count) {
    var text = form.dataset["msg" + name] || "";
    return count === undefined ? text : text.replace("{n}", String(count));
  }

  function cellAt(row, col) {
    return cells[row + ":" + col] || null;
  }

  function move(input, rows, cols) {
    var target = cellAt(Number(input.dataset.row) + rows, Number(input.dataset.col) + cols);
    if (target) {
      target.focus();
      target.select();
    }
    return target;
  }

  /* Numbers as the server reads them: the shared rules of numbers.js (ntm/core/numbers.py). */
  function parseNumber(text) {
    return window.NtmNumbers.parse(text, decimal === "." ? "en" : "vi");
  }

  var JUDGEMENTS = ["dat", "met", "yes", "co", "chua dat", "khong dat", "not met", "no", "khong"];

  function plain(text) {
    return text
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d")
      .replace(/Đ/g, "d")
      .toLowerCase()
      .replace(/[-_]/g, " ")
      .replace(/\s+/g, " ")
      .trim();
  }

  function problem(input) {
    var text = input.value.trim();
    if (!text) return input.dataset.initial ? message("Empty") : "";
    if (input.dataset.kind === "judgement") {
      return JUDGEMENTS.indexOf(plain(text)) >= 0 ? "" : message("Judgement");
    }
    var value = parseNumber(text);
    if (isNaN(value)) return message("Number");
    if (value < 0) return message("Negative");
    if (input.dataset.kind === "number" && input.dataset.unit === "%" && value > 100) {
      return message("Percent");
    }
    if (input.dataset.part === "numerator" && input.dataset.unit === "%") {
      var denominator = cellAt(input.dataset.row, Number(input.dataset.col) + 1);
      var other = denominator ? parseNumber(denominator.value.trim()) : NaN;
      if (!isNaN(other) && value > other) return message("Ratio");
    }
    return "";
  }

  function refresh(input) {
    var td = input.closest("td");
    var changed = input.value.trim() !== (input.dataset.initial || "").trim();
    var found = changed ? problem(input) : "";
    td.classList.toggle("is-changed", changed);
    td.classList.toggle("is-client-invalid", Boolean(found));
    if (found) {
      input.setAttribute("aria-invalid", "true");
      input.title = found;
    } else if (!td.classList.contains("is-invalid")) {
      input.removeAttribute("aria-invalid");
    }
  }

  function summarize(extra) {
    if (!counts) return;
    var changed = form.querySelectorAll("td.is-changed").length;
    var invalid = form.querySelectorAll("td.is-client-invalid").length;
    var parts = [];
    if (extra) parts.push(extra);
    if (changed) parts.push(message("Changed", changed));
    if (invalid) parts.push(message("Invalid", invalid));
    counts.textContent = parts.join(" · ");
  }

  form.addEventListener("input", function (event) {
    if (event.target.matches("input[data-row]")) {
      refresh(event.target);
      summarize();
    }
  });

  form.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[data-row]")) return;
    var atStart = input.selectionStart === 0 && input.selectionEnd === 0;
    var atEnd = input.selectionStart === input.value.length;
    var whole = input.selectionStart === 0 && input.selectionEnd === input.value.length;
    switch (event.key) {
      case "ArrowUp":
        move(input, -1, 0);
        event.preventDefault();
        break;
      case "ArrowDown":
        move(input, 1, 0);
        event.preventDefault();
        break;
      case "ArrowLeft":
        if (atStart || whole) {
          if (move(input, 0, -1)) event.preventDefault();
        }
        break;
      case "ArrowRight":
        if (atEnd || whole) {
          if (move(input, 0, 1)) event.preventDefault();
        }
        break;
      case "Tab": {
        // Row by row through the cells only, skipping the commune links between rows.
        var step = event.shiftKey ? -1 : 1;
        var next = cellAt(input.dataset.row, Number(input.dataset.col) + step);
        if (!next) {
          var row = Number(input.dataset.row) + step;
          var col = step > 0 ? 0 : lastCol;
          next = cellAt(row, col);
        }
        if (next) {
          event.preventDefault();
          next.focus();
          next.select();
        }
        break;
      }
      case "Enter":
        // Like a spreadsheet: Enter goes down (Shift+Enter up), it does not submit.
        event.preventDefault();
        move(input, event.shiftKey ? -1 : 1, 0);
        break;
      case "Escape":
        input.value = input.dataset.initial || "";
        refresh(input);
        summarize();
        break;
    }
  });

  form.addEventListener("paste", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[data-row]")) return;
    var text = (event.clipboardData || window.clipboardData).getData("text");
    if (!/[\t\n\r]/.test(text.replace(/[\r\n]+$/, ""))) return; // one value: a normal paste
    event.preventDefault();
    var lines = text.replace(/\r\n?/g, "\n").replace(/\n$/, "").split("\n");
    var row0 = Number(input.dataset.row);
    var col0 = Number(input.dataset.col);
    var filled = 0;
    var skipped = 0;
    lines.forEach(function (line, i) {
      line.split("\t").forEach(function (value, j) {
        var target = cellAt(row0 + i, col0 + j);
        if (!target) {
          skipped += 1;
          return;
        }
        target.value = value.trim();
        refresh(target);
        filled += 1;
      });
    });
    var note = message("Pasted", filled);
    if (skipped) note += " " + message("Skipped", skipped);
    summarize(note);
  });

  form.addEventListener("focusin", function (event) {
    var input = event.target;
    if (!input.matches("input[data-row]")) return;
    input.select();
    // Say what is wrong with the cell the keyboard lands on, not only on hover.
    if (input.closest("td").classList.contains("is-client-invalid")) {
      summarize(input.getAttribute("aria-label") + ": " + input.title);
    }
  });

  form.addEventListener("submit", function () {
    submitting = true;
  });

  window.addEventListener("beforeunload", function (event) {
    if (submitting || !form.querySelector("td.is-changed")) return;
    event.preventDefault();
    event.returnValue = message("Leave");
  });

  inputs.forEach(function (input) {
    if (input.value.trim() !== (input.dataset.initial || "").trim()) refresh(input);
  });
  summarize();
})();
