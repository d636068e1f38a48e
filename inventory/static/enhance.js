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

  // Camera scanning where the browser has a BarcodeDetector (Chromium on Android, for instance).
  function wireCamera() {
    var buttons = document.querySelectorAll("[data-camera-scan]");
    var panel = document.querySelector("[data-camera-panel]");
    if (!buttons.length || !panel || !("BarcodeDetector" in window) ||
        !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { return; }
    var video = panel.querySelector("[data-camera-video]");
    var status = panel.querySelector("[data-camera-status]");
    var stream = null;
    var timer = null;

    function stop() {
      if (timer) { window.clearTimeout(timer); timer = null; }
      if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); stream = null; }
      panel.hidden = true;
    }

    // A QR code on the label holds the device's address; a Code 128 the tag itself.
    function codeFrom(raw) {
      var match = /\/devices\/([^/?#]+)/.exec(raw);
      return match ? decodeURIComponent(match[1]) : raw.trim();
    }

    function start() {
      var wanted = ["code_128", "qr_code"];
      var formats = window.BarcodeDetector.getSupportedFormats ? window.BarcodeDetector.getSupportedFormats() : Promise.resolve(wanted);
      panel.hidden = false;
      status.textContent = panel.getAttribute("data-starting") || "";
      formats.then(function (supported) {
        var chosen = wanted.filter(function (f) { return supported.indexOf(f) !== -1; });
        var detector = new window.BarcodeDetector({ formats: chosen.length ? chosen : wanted });
        return navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (media) {
          stream = media;
          video.srcObject = media;
          return video.play().catch(function () { return null; }).then(function () {
            status.textContent = panel.getAttribute("data-looking") || "";
            function look() {
              detector.detect(video).then(function (codes) {
                if (codes && codes.length) {
                  var code = codeFrom(codes[0].rawValue || "");
                  stop();
                  window.kiertoDeliverScan(code);
                } else {
                  timer = window.setTimeout(look, 200);
                }
              }).catch(function () { timer = window.setTimeout(look, 500); });
            }
            look();
          });
        });
      }).catch(function () {
        status.textContent = panel.getAttribute("data-failed") || "";
      });
    }

    // Offer the camera only when the detector reads the codes our labels carry.
    var probe = window.BarcodeDetector.getSupportedFormats ? window.BarcodeDetector.getSupportedFormats() : Promise.resolve([]);
    probe.then(function (supported) {
      if (supported.indexOf("code_128") === -1 && supported.indexOf("qr_code") === -1) { return; }
      Array.prototype.forEach.call(buttons, function (button) {
        button.hidden = false;
        button.addEventListener("click", start);
      });
    }).catch(function () { return null; });
    panel.querySelector("[data-camera-close]").addEventListener("click", stop);
    document.addEventListener("keydown", function (event) { if (event.key === "Escape" && !panel.hidden) { stop(); } });
  }

  // A printed page: the print button prints.
  function wirePrint(button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  }

  function ready() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-select-all]"), wireSelectAll);
    Array.prototype.forEach.call(document.querySelectorAll("[data-add-row]"), wireAddRow);
    Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), wirePrint);
    wireCamera();
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", ready); } else { ready(); }
})();
