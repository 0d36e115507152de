/* The check-in desk's two enhancements; the page works without them (typed code, counts on each load).
   1. The camera reads the QR code of a confirmation (it holds the check-in code) and searches for it:
      the browser's BarcodeDetector where it reads QR codes, else jsQR (static/vendor/jsqr), loaded on demand.
   2. The counter is refreshed from counts.json every 15 seconds while the page is visible. */
(function () {
  "use strict";
  var desk = document.querySelector(".desk");
  if (!desk) { return; }

  // --- the live counter ------------------------------------------------------------------------------
  function put(name, value) {
    var cell = desk.querySelector('[data-count="' + name + '"]');
    if (cell) { cell.textContent = String(value); }
  }
  function refresh() {
    if (document.hidden) { return; }
    fetch(desk.dataset.countsUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (counts) {
        if (!counts) { return; }
        put("total", counts.checked_in);
        put("expected", counts.expected);
        counts.modes.forEach(function (m) {
          put("mode-" + m.mode, m.checked_in);
          put("mode-" + m.mode + "-expected", m.expected);
        });
        counts.sessions.forEach(function (s) {
          put("session-" + s.id, s.checked_in);
          put("session-" + s.id + "-expected", s.expected);
        });
      })
      .catch(function () { /* offline for a moment: the next round tries again */ });
  }
  window.setInterval(refresh, 15000);
  document.addEventListener("visibilitychange", refresh);

  // --- the camera --------------------------------------------------------------------------------------
  var scan = document.getElementById("desk-scan");
  var box = document.getElementById("desk-camera");
  var video = document.getElementById("desk-video");
  var status = document.getElementById("desk-camera-status");
  var stop = document.getElementById("desk-stop");
  var form = document.getElementById("desk-find");
  var input = document.getElementById("q");
  if (!scan || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { return; }
  scan.hidden = false;
  var stream = null;
  var running = false;

  function say(key) { status.textContent = status.dataset[key] || ""; }

  function finish() {
    running = false;
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); stream = null; }
    box.hidden = true;
    scan.hidden = false;
  }

  function fail(key) {
    finish();
    box.hidden = false;
    video.hidden = true;
    stop.hidden = true;
    scan.hidden = true;
    say(key);
    input.focus();
  }

  function found(code) {
    code = String(code || "").trim();
    if (!code) { return false; }
    finish();
    input.value = code;
    form.submit();
    return true;
  }

  function withBarcodeDetector() {
    if (!("BarcodeDetector" in window)) { return Promise.resolve(null); }
    return window.BarcodeDetector.getSupportedFormats().then(function (formats) {
      if (formats.indexOf("qr_code") < 0) { return null; }
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      return function () {
        return detector.detect(video).then(function (codes) { return codes.length ? codes[0].rawValue : null; });
      };
    }).catch(function () { return null; });
  }

  function withJsQR() {
    return new Promise(function (resolve) {
      if (window.jsQR) { resolve(); return; }
      var script = document.createElement("script");
      script.src = desk.dataset.jsqrUrl;
      script.onload = function () { resolve(); };
      script.onerror = function () { resolve(); };
      document.head.appendChild(script);
    }).then(function () {
      if (!window.jsQR) { return null; }
      var canvas = document.createElement("canvas");
      var context = canvas.getContext("2d", { willReadFrequently: true });
      return function () {
        var width = video.videoWidth, height = video.videoHeight;
        if (!width || !height) { return Promise.resolve(null); }
        canvas.width = width; canvas.height = height;
        context.drawImage(video, 0, 0, width, height);
        var result = window.jsQR(context.getImageData(0, 0, width, height).data, width, height,
                                 { inversionAttempts: "dontInvert" });
        return Promise.resolve(result ? result.data : null);
      };
    });
  }

  function loop(read) {
    if (!running) { return; }
    read().then(function (code) {
      if (!(code && found(code))) { window.setTimeout(function () { loop(read); }, 200); }
    }).catch(function () { window.setTimeout(function () { loop(read); }, 400); });
  }

  scan.addEventListener("click", function () {
    scan.hidden = true;
    box.hidden = false;
    say("looking");
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (s) {
        stream = s;
        video.srcObject = s;
        return video.play();
      })
      .then(function () {
        return withBarcodeDetector().then(function (read) { return read || withJsQR(); });
      })
      .then(function (read) {
        if (!read) { fail("unsupported"); return; }
        running = true;
        loop(read);
      })
      .catch(function () { fail("noCamera"); });
  });
  stop.addEventListener("click", finish);
})();
