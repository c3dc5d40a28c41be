// The injection chart and the drawn signature, kept out of the templates so the
// Content-Security-Policy can forbid inline scripts.

// Tapping a map fills the point form with the map and the position relative to the drawing,
// then adds the point with the lot, depth, volume and technique already chosen.
document.addEventListener("click", function (event) {
  var drawing = event.target.closest ? event.target.closest("svg.tappable") : null;
  var form = document.getElementById("point-form");
  if (!drawing || !form) {
    return;
  }
  var box = drawing.getBoundingClientRect();
  var x = (event.clientX - box.left) / box.width;
  var y = (event.clientY - box.top) / box.height;
  form.elements.map.value = drawing.dataset.map;
  form.elements.x.value = Math.min(1, Math.max(0, x)).toFixed(4);
  form.elements.y.value = Math.min(1, Math.max(0, y)).toFixed(4);
  form.requestSubmit();
});

// A signature drawn with a finger or the mouse becomes SVG path data in a hidden field.
function signaturePad(pad) {
  var field = document.getElementById(pad.dataset.signatureFor);
  var ink = pad.querySelector("path");
  var drawing = false;
  function at(event) {
    var box = pad.getBoundingClientRect();
    var x = ((event.clientX - box.left) / box.width) * 400;
    var y = ((event.clientY - box.top) / box.height) * 120;
    return Math.round(x) + " " + Math.round(y);
  }
  pad.addEventListener("pointerdown", function (event) {
    drawing = true;
    pad.setPointerCapture(event.pointerId);
    field.value = (field.value + " M" + at(event)).trim();
    ink.setAttribute("d", field.value);
    event.preventDefault();
  });
  pad.addEventListener("pointermove", function (event) {
    if (drawing) {
      field.value += " L" + at(event);
      ink.setAttribute("d", field.value);
    }
  });
  ["pointerup", "pointercancel"].forEach(function (name) {
    pad.addEventListener(name, function () {
      drawing = false;
    });
  });
}

document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-signature-for]").forEach(signaturePad);
  document.querySelectorAll("[data-signature-clear]").forEach(function (button) {
    button.addEventListener("click", function () {
      document.getElementById(button.dataset.signatureClear).value = "";
      document.querySelectorAll("[data-signature-for] path").forEach(function (ink) {
        ink.setAttribute("d", "");
      });
    });
  });
});
