// Keyboard-wedge scanners type a code fast and end it with Enter. Such a burst never takes the step of
// the form it lands in: wherever the focus is, the code goes to the scan. A scan field
// ([data-scan-field]) takes the code in place of what it held, so a rescan after a wrong scan is never
// glued to the old code; a field made for scanned serial numbers ([data-scan-keeps]) keeps the code
// but its form is not sent; in any other field what the burst typed is taken back and the code goes
// to the page's default scan field ([data-scan-default], the stock-take counts it) or opens the
// device. Slow human typing is left alone.
(function () {
  "use strict";
  var MAX_GAP_MS = 50;      // scanners send characters a few milliseconds apart; people do not
  var MAX_ENTER_GAP_MS = 150;
  var MIN_LENGTH = 4;
  var buffer = "";
  var last = 0;
  var before = null;        // the focused field as it was when the burst began

  function isTextEntry(element) {
    if (!element || !element.tagName) { return false; }
    if (element.isContentEditable) { return true; }
    if (element.tagName === "TEXTAREA" || element.tagName === "SELECT") { return true; }
    if (element.tagName !== "INPUT") { return false; }
    var type = (element.getAttribute("type") || "text").toLowerCase();
    return ["checkbox", "radio", "button", "submit", "reset", "file", "image", "range", "color"].indexOf(type) === -1;
  }

  function snapshot(element) {
    if (!isTextEntry(element) || element.isContentEditable) { return { element: element }; }
    var state = { element: element, value: element.value };
    try {
      state.start = element.selectionStart;
      state.end = element.selectionEnd;
    } catch (ignored) { state.start = null; }
    return state;
  }

  function restore(state) {
    if (!state || state.value === undefined) { return; }
    state.element.value = state.value;
    if (state.start !== null && state.start !== undefined) {
      try { state.element.setSelectionRange(state.start, state.end); } catch (ignored) { return; }
    }
  }

  function announce(text) {
    var status = document.querySelector("[data-scan-status]");
    if (!status) {
      status = document.createElement("p");
      status.setAttribute("role", "status");
      status.setAttribute("data-scan-status", "");
      status.className = "scan-status";
      var main = document.getElementById("main");
      (main || document.body).insertBefore(status, (main || document.body).firstChild);
    }
    status.textContent = text;
  }

  function submit(form) {
    if (typeof form.requestSubmit === "function") { form.requestSubmit(); } else { form.submit(); }
  }

  // Hand a scanned code to the page: its default scan field if it has one, else open the device.
  function deliver(code) {
    var field = document.querySelector("[data-scan-default]");
    if (field && field.form) {
      field.value = code;
      submit(field.form);
      return;
    }
    var opening = document.documentElement.getAttribute("data-opening") || "";
    announce(opening + " " + code);
    window.location.assign("/scan?code=" + encodeURIComponent(code));
  }
  window.kiertoDeliverScan = deliver;

  function scanEnded(event, code) {
    var target = event.target;
    if (isTextEntry(target) && target.hasAttribute("data-scan-field")) {
      if (target.tagName === "TEXTAREA") { return; }  // a list of codes: each scan on its own line
      target.value = code;  // the native Enter then sends the scan form with this code alone
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    if (isTextEntry(target) && target.closest && target.closest("[data-scan-keeps]")) { return; }
    if (isTextEntry(target) && before && before.element === target) { restore(before); }
    deliver(code);
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.altKey || event.metaKey) { buffer = ""; return; }
    var now = event.timeStamp || Date.now();
    var gap = now - last;
    last = now;
    if (event.key === "Enter") {
      var code = buffer;
      buffer = "";
      var sameField = before && before.element === event.target;  // a scanner ends where it typed
      if (code.length >= MIN_LENGTH && gap <= MAX_ENTER_GAP_MS && sameField) { scanEnded(event, code); }
      before = null;
      return;
    }
    if (event.key.length !== 1) {
      // Shift comes with a scanner's capitals; any other key (Tab, arrows…) is a person moving on.
      if (event.key !== "Shift") { buffer = ""; before = null; }
      return;
    }
    var burstGoesOn = before && gap <= MAX_GAP_MS;
    if (burstGoesOn && !isTextEntry(before.element) && isTextEntry(event.target)) {
      // A scan that began while the page was still loading: its autofocus took the focus mid-burst.
      // What went before typed nothing, so the burst goes on in the field that has it now.
      before = snapshot(event.target);
    } else if (!burstGoesOn || before.element !== event.target) {
      buffer = "";
      before = snapshot(event.target);
    }
    buffer += event.key;
  }, true);

  // After a refused scan the field still holds the code: select it, so the next scan replaces it. In a
  // list of codes (a textarea) only the refused code is selected ([data-scan-refused] names it).
  function selectRefusedScan() {
    var field = document.querySelector("[data-scan-field][aria-invalid='true']");
    if (!field || !isTextEntry(field)) { return; }
    field.focus();
    var refused = (field.getAttribute("data-scan-refused") || "").toLowerCase();
    var at = refused && field.tagName === "TEXTAREA" ? field.value.toLowerCase().indexOf(refused) : -1;
    if (at >= 0) { field.setSelectionRange(at, at + refused.length); } else { field.select(); }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", selectRefusedScan);
  } else { selectRefusedScan(); }
})();
