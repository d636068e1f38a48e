// Small progressive enhancements; every page works without them.
(function () {
  "use strict";

  // "Select all" boxes of the bench queue: shown only when this script runs.
  function wireSelectAll(all) {
    var group = all.getAttribute("data-select-all");
    var boxes = Array.prototype.slice.call(document.querySelectorAll('[data-select="' + group + '"]'));
    function sync() {
      var ticked = boxes.filter(function (box) { return box.checked; }).length;
      all.checked = ticked > 0 && ticked === boxes.length;
      all.indeterminate = ticked > 0 && ticked < boxes.length;
    }
    all.hidden = false;
    all.addEventListener("change", function () {
      boxes.forEach(function (box) { box.checked = all.checked; });
      sync();
    });
    boxes.forEach(function (box) { box.addEventListener("change", sync); });
    sync();
  }

  // "Add a row" in forms with repeated rows: clone the <template> and number its fields.
  function wireAddRow(button) {
    var container = document.getElementById(button.getAttribute("data-add-row"));
    var template = document.getElementById(button.getAttribute("data-row-template"));
    if (!container || !template) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var index = container.querySelectorAll("[data-row]").length;
      var html = template.innerHTML.replace(/__N__/g, String(index)).replace(/__NUMBER__/g, String(index + 1));
      container.insertAdjacentHTML("beforeend", html);
      var rows = container.querySelectorAll("[data-row]");
      var first = rows[rows.length - 1].querySelector("input, select");
      if (first) { first.focus(); }
    });
    var fallback = document.querySelector("[data-add-row-fallback]");
    if (fallback) { fallback.hidden = true; }
  }

  // A printed page: the print button prints.
  function wirePrint(button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  }

  // A table wider than the screen scrolls in its own box: keyboard users can reach and scroll it too.
  function markScrollBoxes() {
    Array.prototype.forEach.call(document.querySelectorAll(".table-scroll"), function (box) {
      var overflowing = box.scrollWidth > box.clientWidth + 1;
      if (overflowing && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("data-scroll-box", "");
      } else if (!overflowing && box.hasAttribute("data-scroll-box")) {
        box.removeAttribute("tabindex");
        box.removeAttribute("data-scroll-box");
      }
    });
  }

  // The language changes as soon as it is chosen with the mouse or touch. Arrow keys only move the
  // choice; Enter or leaving the field takes it, so a keyboard user is not sent away mid-way.
  // Without this script the form's own button (in <noscript>) does it.
  function wireAutoSubmit(select) {
    var keyed = false;
    var chosen = select.value;
    function take() {
      if (select.value === chosen) { return; }
      chosen = select.value;
      if (select.form.requestSubmit) { select.form.requestSubmit(); } else { select.form.submit(); }
    }
    select.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); take(); } else { keyed = true; }
    });
    select.addEventListener("change", function () { if (!keyed) { take(); } });
    select.addEventListener("blur", function () { take(); keyed = false; });
    select.addEventListener("pointerdown", function () { keyed = false; });
  }

  // A menu one level down closes when the person clicks elsewhere or presses Escape.
  function wireDropdowns() {
    var menus = Array.prototype.slice.call(document.querySelectorAll("details.dropdown"));
    document.addEventListener("click", function (event) {
      menus.forEach(function (menu) { if (menu.open && !menu.contains(event.target)) { menu.open = false; } });
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") { return; }
      menus.forEach(function (menu) {
        if (menu.open) { menu.open = false; menu.querySelector("summary").focus(); }
      });
    });
  }

  function ready() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-auto-submit]"), wireAutoSubmit);
    wireDropdowns();
    Array.prototype.forEach.call(document.querySelectorAll("[data-select-all]"), wireSelectAll);
    Array.prototype.forEach.call(document.querySelectorAll("[data-add-row]"), wireAddRow);
    Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), wirePrint);
    markScrollBoxes();
    window.addEventListener("resize", markScrollBoxes);
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", ready); } else { ready(); }
})();
