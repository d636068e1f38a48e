// Live progress bars: follow the server-sent events of a run or a device and update the bars in place.
(function () {
  "use strict";
  function update(bar, data) {
    bar.dataset.state = data.state;
    bar.querySelector("progress").value = data.percent;
    bar.querySelector("progress").textContent = data.percent + " %";
    bar.querySelector('[data-field="percent"]').textContent = data.percent + " %";
    bar.querySelector('[data-field="current_task"]').textContent = data.current_task || "";
    var message = bar.querySelector('[data-field="message"]');
    message.textContent = data.message || "";
    message.hidden = !data.message;
  }
  // The device page's line saying what the machine's own screen shows (a device's stream carries it).
  function updateScreen(section, screen) {
    var line = section.querySelector("[data-machine-screen]");
    if (!line || !screen) { return; }
    line.dataset.tone = screen.tone;
    line.querySelector('[data-field="screen-title"]').textContent = screen.title;
    line.querySelector('[data-field="screen-detail"]').textContent = screen.detail ? " · " + screen.detail : "";
  }
  function apply(section, data) {
    updateScreen(section, data.screen);
    var targets = data.targets || [data];
    targets.forEach(function (target) {
      var tag = target.asset_tag || section.querySelector("[data-progress-for]").dataset.progressFor;
      var bar = section.querySelector('[data-progress-for="' + tag + '"]');
      if (bar) { update(bar, target); }
    });
  }
  document.querySelectorAll("[data-progress-stream]").forEach(function (section) {
    if (!window.EventSource) { return; }
    var source = new EventSource(section.dataset.progressStream);
    source.addEventListener("progress", function (e) { apply(section, JSON.parse(e.data)); });
    source.addEventListener("finished", function (e) {
      source.close();
      if (e.data && e.data !== "null") { apply(section, JSON.parse(e.data)); }
      var state = document.querySelector("[data-run-state]");
      if (state) { window.location.reload(); }
    });
  });
})();
