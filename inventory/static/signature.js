// Signing on screen: draw with a finger, a pen or the mouse on each [data-signature-pad] canvas; on
// submit each drawing goes into its hidden field as a PNG data URL, and a drawing the page sends back
// in that field (kept after the other signature was missing) is shown on its pad again. No inline script, so the page's
// Content-Security-Policy can forbid inline code.
(function () {
  "use strict";

  function setUp(canvas) {
    var context = canvas.getContext("2d");
    var drawing = false;
    var drawn = false;
    var last = null;

    context.lineWidth = 3;
    context.lineCap = "round";
    context.lineJoin = "round";
    context.strokeStyle = "#000000";

    function point(event) {
      var box = canvas.getBoundingClientRect();
      return {
        x: (event.clientX - box.left) * (canvas.width / box.width),
        y: (event.clientY - box.top) * (canvas.height / box.height)
      };
    }

    canvas.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      canvas.setPointerCapture(event.pointerId);
      drawing = true;
      last = point(event);
      context.beginPath();
      context.arc(last.x, last.y, context.lineWidth / 2, 0, 2 * Math.PI);
      context.fill();
      drawn = true;
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) { return; }
      event.preventDefault();
      var next = point(event);
      context.beginPath();
      context.moveTo(last.x, last.y);
      context.lineTo(next.x, next.y);
      context.stroke();
      last = next;
    });
    function stop() { drawing = false; last = null; }
    canvas.addEventListener("pointerup", stop);
    canvas.addEventListener("pointercancel", stop);

    // A signature kept from a refused save (the other one was missing) is drawn back on its pad.
    var kept = document.getElementById(canvas.getAttribute("data-target"));
    if (kept && kept.value.indexOf("data:image/png;base64,") === 0) {
      var image = new Image();
      image.addEventListener("load", function () { context.drawImage(image, 0, 0, canvas.width, canvas.height); });
      image.src = kept.value;
      drawn = true;
    }

    return {
      target: canvas.getAttribute("data-target"),
      hasDrawing: function () { return drawn; },
      clear: function () {
        context.clearRect(0, 0, canvas.width, canvas.height);
        drawn = false;
      },
      png: function () { return canvas.toDataURL("image/png"); }
    };
  }

  document.addEventListener("DOMContentLoaded", function () {
    var pads = {};
    Array.prototype.forEach.call(document.querySelectorAll("canvas[data-signature-pad]"), function (canvas) {
      var pad = setUp(canvas);
      pads[pad.target] = pad;
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-signature-clear]"), function (button) {
      button.addEventListener("click", function () {
        var pad = pads[button.getAttribute("data-signature-clear")];
        if (pad) { pad.clear(); }
      });
    });
    Array.prototype.forEach.call(document.querySelectorAll("form[data-signature-form]"), function (form) {
      form.addEventListener("submit", function () {
        Object.keys(pads).forEach(function (name) {
          var field = form.querySelector("input[name='" + name + "']");
          if (field) { field.value = pads[name].hasDrawing() ? pads[name].png() : ""; }
        });
      });
    });
  });
})();
