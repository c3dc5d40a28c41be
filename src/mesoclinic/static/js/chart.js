// The injection chart and the drawn signature, kept out of the templates so the
// Content-Security-Policy can forbid inline scripts.

// Tapping a map fills the point form with the map and the position relative to the drawing,
// then adds the point with the lot, depth, volume and technique already chosen.
document.addEventListener("click", function (event) {
  var drawing = event.target.closest ? event.target.closest("svg.tappable") : null;
  var form = document.getElementById("point-form");
  if (!drawing || !form || event.target.closest("[data-move-form]")) {
    return;
  }
  var at = positionIn(drawing, event);
  form.elements.map.value = drawing.dataset.map;
  form.elements.x.value = at.x;
  form.elements.y.value = at.y;
  form.requestSubmit();
});

// The position of a pointer relative to the drawing, from 0 to 1 across and down.
function positionIn(drawing, event) {
  var box = drawing.getBoundingClientRect();
  var x = (event.clientX - box.left) / box.width;
  var y = (event.clientY - box.top) / box.height;
  return {
    x: Math.min(1, Math.max(0, x)).toFixed(4),
    y: Math.min(1, Math.max(0, y)).toFixed(4),
  };
}

// Dragging a point (finger, pen or mouse) moves it: on release the point's own row of the
// table is sent with the new position, so a drag is saved exactly as a position typed there.
function draggablePoint(point) {
  var drawing = point.ownerSVGElement;
  var form = document.getElementById(point.dataset.moveForm);
  var circles = point.querySelectorAll("circle");
  var label = point.querySelector("text");
  var dragging = false;
  var moved = false;
  var box = drawing.viewBox.baseVal;
  function follow(event) {
    var at = positionIn(drawing, event);
    var cx = at.x * box.width;
    var cy = at.y * box.height;
    circles.forEach(function (circle) {
      circle.setAttribute("cx", cx);
      circle.setAttribute("cy", cy);
    });
    label.setAttribute("x", cx);
    label.setAttribute("y", cy);
    return at;
  }
  // A finger on a point moves the point, not the page.
  point.addEventListener("touchstart", function (event) {
    event.preventDefault();
  }, { passive: false });
  point.addEventListener("pointerdown", function (event) {
    dragging = true;
    moved = false;
    point.setPointerCapture(event.pointerId);
    point.classList.add("dragging");
    event.preventDefault();
  });
  point.addEventListener("pointermove", function (event) {
    if (dragging) {
      moved = true;
      follow(event);
    }
  });
  point.addEventListener("pointerup", function (event) {
    if (!dragging) {
      return;
    }
    dragging = false;
    point.classList.remove("dragging");
    if (moved) {
      var at = follow(event);
      form.elements.x.value = at.x;
      form.elements.y.value = at.y;
      form.requestSubmit(form.querySelector('button[name="move"]'));
    }
  });
  point.addEventListener("pointercancel", function () {
    dragging = false;
    point.classList.remove("dragging");
  });
}

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
  document.querySelectorAll("svg.tappable [data-move-form]").forEach(draggablePoint);
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
