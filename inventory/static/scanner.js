// Keyboard-wedge scanners type a code fast and end it with Enter. Wherever the focus is not in a
// text field, such a burst is caught: it goes into the page's default scan field when the page has
// one (the stock-take counts it), otherwise it opens the device. Text fields keep what is typed
// into them, so a serial number can be scanned straight into a form. Slow human typing is left alone.
(function () {
  "use strict";
  var MAX_GAP_MS = 50;      // scanners send characters a few milliseconds apart; people do not
  var MAX_ENTER_GAP_MS = 150;
  var MIN_LENGTH = 4;
  var buffer = "";
  var last = 0;

  function isTextEntry(element) {
    if (!element || !element.tagName) { return false; }
    if (element.isContentEditable) { return true; }
    if (element.tagName === "TEXTAREA" || element.tagName === "SELECT") { return true; }
    if (element.tagName !== "INPUT") { return false; }
    var type = (element.getAttribute("type") || "text").toLowerCase();
    return ["checkbox", "radio", "button", "submit", "reset", "file", "image", "range", "color"].indexOf(type) === -1;
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

  // Hand a scanned code to the page: its default scan field if it has one, else open the device.
  function deliver(code) {
    var field = document.querySelector("[data-scan-default]");
    if (field && field.form) {
      field.value = code;
      if (typeof field.form.requestSubmit === "function") { field.form.requestSubmit(); } else { field.form.submit(); }
      return;
    }
    var opening = document.documentElement.getAttribute("data-opening") || "";
    announce(opening + " " + code);
    window.location.assign("/scan?code=" + encodeURIComponent(code));
  }
  window.kiertoDeliverScan = deliver;

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.altKey || event.metaKey) { buffer = ""; return; }
    if (isTextEntry(event.target)) { buffer = ""; return; }
    var now = event.timeStamp || Date.now();
    var gap = now - last;
    last = now;
    if (event.key === "Enter") {
      var code = buffer;
      buffer = "";
      if (code.length >= MIN_LENGTH && gap <= MAX_ENTER_GAP_MS) {
        event.preventDefault();
        deliver(code);
      }
      return;
    }
    if (event.key.length !== 1) { return; }
    if (gap > MAX_GAP_MS) { buffer = ""; }
    buffer += event.key;
  }, true);
})();
