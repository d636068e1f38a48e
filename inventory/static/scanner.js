// Keyboard-wedge scanners type fast and end with Enter: anywhere on a page, such a burst opens that device.
(function () {
  "use strict";
  var buffer = "";
  var last = 0;
  var MAX_GAP_MS = 40;
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT");
    if (typing && !target.hasAttribute("data-scan-field")) { buffer = ""; return; }
    var now = Date.now();
    if (now - last > MAX_GAP_MS) { buffer = ""; }
    last = now;
    if (event.key === "Enter") {
      if (buffer.length >= 6 && !typing) {
        event.preventDefault();
        window.location.href = "/scan?code=" + encodeURIComponent(buffer);
      }
      buffer = "";
      return;
    }
    if (event.key.length === 1) { buffer += event.key; }
  });
})();
