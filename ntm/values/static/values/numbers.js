/* Numbers as the server reads them: the rules and table of ntm/core/numbers.py, for the
   live checks of the entry grid. ntm/values/tests/test_number_paths.py runs this file under
   Node with the same texts as the Python parser and requires the same answers.
   NtmNumbers.parse(text, locale) -> a number, or NaN when the server would refuse it. */
(function (root) {
  "use strict";

  var MARKS = { vi: { decimal: ",", grouping: "." }, en: { decimal: ".", grouping: "," } };
  var MAX_LENGTH = 500;

  function escape(mark) {
    return mark === "." ? "\\." : mark;
  }

  /* Babel's strict reading in one language: with grouping marks, exactly as the language
     writes the number; without, digits with at most one decimal mark. */
  function strict(raw, locale) {
    var m = MARKS[locale];
    var d = escape(m.decimal);
    var g = escape(m.grouping);
    var grouped = new RegExp("^-?[1-9]\\d{0,2}(?:" + g + "\\d{3})+(?:" + d + "\\d+)?$");
    var plain = new RegExp("^[+-]?(?:\\d+(?:" + d + "\\d*)?|" + d + "\\d+)$");
    if (raw.indexOf(m.grouping) >= 0 ? !grouped.test(raw) : !plain.test(raw)) return NaN;
    return Number(raw.split(m.grouping).join("").replace(m.decimal, "."));
  }

  /* The other language's decimal mark, once, where it cannot group thousands. */
  function otherMarkIsDecimal(raw, locale) {
    var other = MARKS[locale === "vi" ? "en" : "vi"].decimal;
    if (raw.indexOf(MARKS[locale].decimal) >= 0 || raw.split(other).length !== 2) return false;
    var parts = raw.replace(/^[+-]+/, "").split(other);
    return !(/^[1-9]\d{0,2}$/.test(parts[0]) && parts[1].length === 3);
  }

  function parse(text, locale) {
    locale = /^en/i.test(locale || "") ? "en" : "vi";
    var raw = String(text || "")
      .trim()
      .replace(/[ \u00a0\u202f\u2009]/g, "")
      .replace(/\u2212/g, "-");
    if (raw.slice(-1) === "%") raw = raw.slice(0, -1);
    if (!raw || raw.length > MAX_LENGTH || !/^[+-]?[0-9.,]*[0-9][0-9.,]*$/.test(raw)) return NaN;
    var value = strict(raw, locale);
    if (isNaN(value) && otherMarkIsDecimal(raw, locale)) {
      value = strict(raw, locale === "vi" ? "en" : "vi");
    }
    return isFinite(value) ? value + 0 : NaN;
  }

  var api = { parse: parse };
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.NtmNumbers = api;
})(this);
