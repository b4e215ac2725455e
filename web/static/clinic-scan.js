// Check-in by camera: where the browser has the BarcodeDetector API and a camera, scanning a
// ticket's QR code fills the code field and submits the ordinary check-in form. Without it the
// typed code and the list work as they are.
(function () {
  "use strict";
  var box = document.getElementById("scanner");
  var form = document.getElementById("checkin-form");
  if (!box || !form || !("BarcodeDetector" in window) || !navigator.mediaDevices) { return; }
  var video = document.getElementById("scan-video");
  var status = document.getElementById("scan-status");
  var start = document.getElementById("scan-start");
  box.hidden = false;
  var detector;
  try { detector = new window.BarcodeDetector({ formats: ["qr_code"] }); } catch (e) { box.hidden = true; return; }
  function tick() {
    detector.detect(video).then(function (codes) {
      if (codes.length > 0 && codes[0].rawValue) {
        form.elements.code.value = codes[0].rawValue;
        document.getElementById("checkin-method").value = "scan";
        sessionStorage.setItem("clinic-scan", "on");
        form.submit();
        return;
      }
      requestAnimationFrame(tick);
    }).catch(function () { requestAnimationFrame(tick); });
  }
  function run() {
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }).then(function (stream) {
      video.srcObject = stream;
      video.hidden = false;
      start.hidden = true;
      return video.play();
    }).then(tick).catch(function (e) {
      // A friendly message in the page's language; the typed code and the list still work.
      var denied = e && (e.name === "NotAllowedError" || e.name === "SecurityError");
      status.textContent = denied ? status.dataset.denied : status.dataset.failed;
    });
  }
  start.addEventListener("click", run);
  if (sessionStorage.getItem("clinic-scan") === "on") { run(); }
})();
