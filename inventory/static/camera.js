// Scanning a label with the camera: offered only where the device has a camera. The browser's own
// BarcodeDetector reads the codes where it knows both of our formats (Chromium on Android, Safari);
// elsewhere the vendored ZXing-C++ WebAssembly decoder does (static/vendor/zxing-wasm, loaded at the
// first use). A QR code on the label holds the device's address, the Code 128 the tag itself; either
// goes to the page as a scan would (scanner.js).
(function () {
  "use strict";
  var VENDOR = "/static/vendor/zxing-wasm/";
  var NATIVE_FORMATS = ["code_128", "qr_code"];
  var ZXING_FORMATS = ["QRCode", "Code128"];
  var decoder = null;  // a promise of { read(video) -> promise of text or null }

  function hasCamera() {
    var media = navigator.mediaDevices;
    if (!media || !media.getUserMedia || !media.enumerateDevices) { return Promise.resolve(false); }
    return media.enumerateDevices().then(function (devices) {
      return devices.some(function (device) { return device.kind === "videoinput"; });
    }).catch(function () { return false; });
  }

  // The browser's detector when it reads both formats, else null.
  function nativeDetector() {
    if (!("BarcodeDetector" in window)) { return Promise.resolve(null); }
    var formats = window.BarcodeDetector.getSupportedFormats ?
      window.BarcodeDetector.getSupportedFormats() : Promise.resolve(NATIVE_FORMATS);
    return formats.then(function (supported) {
      var known = NATIVE_FORMATS.filter(function (format) { return supported.indexOf(format) !== -1; });
      if (known.length !== NATIVE_FORMATS.length) { return null; }
      var detector = new window.BarcodeDetector({ formats: known });
      return {
        read: function (video) {
          return detector.detect(video).then(function (codes) { return codes && codes.length ? codes[0].rawValue : null; });
        }
      };
    }).catch(function () { return null; });
  }

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  // ZXing-C++ in WebAssembly, from our own server only.
  function zxingDecoder() {
    return loadScript(VENDOR + "zxing-reader.js").then(function () {
      var zxing = window.ZXingWASM;
      return zxing.prepareZXingModule({
        overrides: {
          locateFile: function (path, prefix) { return /\.wasm$/.test(path) ? VENDOR + path : prefix + path; }
        },
        fireImmediately: true
      }).then(function () {
        var canvas = document.createElement("canvas");
        var context = canvas.getContext("2d", { willReadFrequently: true });
        return {
          read: function (video) {
            var width = video.videoWidth;
            var height = video.videoHeight;
            if (!width || !height) { return Promise.resolve(null); }
            canvas.width = width;
            canvas.height = height;
            context.drawImage(video, 0, 0, width, height);
            var options = { formats: ZXING_FORMATS, tryHarder: true, maxNumberOfSymbols: 1 };
            return zxing.readBarcodes(context.getImageData(0, 0, width, height), options).then(function (results) {
              var valid = results.filter(function (result) { return result.isValid; });
              return valid.length ? valid[0].text : null;
            });
          }
        };
      });
    });
  }

  function getDecoder() {
    if (!decoder) {
      decoder = nativeDetector().then(function (native) { return native || zxingDecoder(); });
      decoder.catch(function () { decoder = null; });  // a failed load may be tried again
    }
    return decoder;
  }

  // The tag in what a label's code holds: the device's address (QR) or the tag (Code 128).
  function codeFrom(raw) {
    var match = /\/devices\/([^/?#]+)/.exec(raw);
    return match ? decodeURIComponent(match[1]) : raw.trim();
  }

  function wire(buttons, panel) {
    var video = panel.querySelector("[data-camera-video]");
    var status = panel.querySelector("[data-camera-status]");
    var opener = null;
    var stream = null;
    var timer = null;

    function stop() {
      if (timer) { window.clearTimeout(timer); timer = null; }
      if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); stream = null; }
      video.srcObject = null;
      panel.hidden = true;
      if (opener) { opener.focus(); opener = null; }
    }

    function look(reader) {
      if (!stream) { return; }
      reader.read(video).then(function (raw) {
        if (!stream) { return; }
        if (raw) {
          opener = null;
          stop();
          window.kiertoDeliverScan(codeFrom(raw));
        } else {
          timer = window.setTimeout(function () { look(reader); }, 150);
        }
      }).catch(function () { timer = window.setTimeout(function () { look(reader); }, 500); });
    }

    function start(event) {
      opener = event.currentTarget;
      panel.hidden = false;
      status.textContent = panel.getAttribute("data-starting") || "";
      panel.querySelector("[data-camera-close]").focus();
      Promise.all([
        getDecoder(),
        navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      ]).then(function (ready) {
        if (panel.hidden) { ready[1].getTracks().forEach(function (track) { track.stop(); }); return; }
        stream = ready[1];
        video.srcObject = stream;
        return video.play().catch(function () { return null; }).then(function () {
          status.textContent = panel.getAttribute("data-looking") || "";
          look(ready[0]);
        });
      }).catch(function () {
        if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); stream = null; }
        status.textContent = panel.getAttribute("data-failed") || "";
      });
    }

    Array.prototype.forEach.call(buttons, function (button) {
      button.hidden = false;
      button.addEventListener("click", start);
    });
    panel.querySelector("[data-camera-close]").addEventListener("click", stop);
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && !panel.hidden) { stop(); }
    });
  }

  function ready() {
    var buttons = document.querySelectorAll("[data-camera-scan]");
    var panel = document.querySelector("[data-camera-panel]");
    if (!buttons.length || !panel || !window.kiertoDeliverScan) { return; }
    hasCamera().then(function (present) {
      if (present) { wire(buttons, panel); }
      panel.setAttribute("data-camera", present ? "found" : "none");  // for people's tools and the tests
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", ready); } else { ready(); }
})();
