/* Compagnon — the client signs an intervention sheet on their page (interventions/client_sheet.html).
 * The points drawn go into a hidden field; the server writes the SVG itself from them. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-client-sign]");
  var pad = form && form.querySelector("[data-pad]");
  if (!pad) return;
  var ctx = pad.getContext("2d"), strokes = [], current = null;
  ctx.lineWidth = 2.5; ctx.lineCap = "round"; ctx.lineJoin = "round"; ctx.strokeStyle = "#111";
  function point(e) {
    var box = pad.getBoundingClientRect();
    return [Math.round((e.clientX - box.left) * pad.width / box.width * 10) / 10,
            Math.round((e.clientY - box.top) * pad.height / box.height * 10) / 10];
  }
  pad.addEventListener("pointerdown", function (e) {
    e.preventDefault();
    pad.setPointerCapture(e.pointerId);
    current = [point(e)];
    strokes.push(current);
    ctx.beginPath();
    ctx.moveTo(current[0][0], current[0][1]);
  });
  pad.addEventListener("pointermove", function (e) {
    if (!current) return;
    var p = point(e);
    current.push(p);
    ctx.lineTo(p[0], p[1]);
    ctx.stroke();
  });
  ["pointerup", "pointercancel", "pointerleave"].forEach(function (n) { pad.addEventListener(n, function () { current = null; }); });
  form.querySelector("[data-pad-clear]").addEventListener("click", function () { strokes = []; ctx.clearRect(0, 0, pad.width, pad.height); });
  form.addEventListener("submit", function () { form.elements.strokes.value = JSON.stringify(strokes); });
})();
