/* A zone's history: each change of shape as a small map, the outline before (dashed) and
   after (filled), drawn as SVG from the JSON the page hands over (#shape-diffs). */
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  var WIDTH = 240;
  var HEIGHT = 160;
  var PAD = 6;

  function bounds(rings) {
    var box = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
    rings.forEach(function (ring) {
      ring.forEach(function (p) {
        box.x0 = Math.min(box.x0, p[0]);
        box.x1 = Math.max(box.x1, p[0]);
        box.y0 = Math.min(box.y0, p[1]);
        box.y1 = Math.max(box.y1, p[1]);
      });
    });
    return box;
  }

  function projection(box) {
    /* Equirectangular, with longitude shrunk by the cosine of the middle latitude. */
    var k = Math.cos(((box.y0 + box.y1) / 2) * Math.PI / 180);
    var w = Math.max((box.x1 - box.x0) * k, 1e-9);
    var h = Math.max(box.y1 - box.y0, 1e-9);
    var scale = Math.min((WIDTH - 2 * PAD) / w, (HEIGHT - 2 * PAD) / h);
    var dx = (WIDTH - w * scale) / 2;
    var dy = (HEIGHT - h * scale) / 2;
    return function (p) {
      var x = dx + (p[0] - box.x0) * k * scale;
      var y = dy + (box.y1 - p[1]) * scale;
      return x.toFixed(1) + " " + y.toFixed(1);
    };
  }

  function path(rings, project, className) {
    var element = document.createElementNS(SVG, "path");
    var d = rings
      .map(function (ring) {
        return "M" + ring.map(project).join("L") + "Z";
      })
      .join("");
    element.setAttribute("d", d || "M0 0");
    element.setAttribute("class", className);
    return element;
  }

  function draw(figure, diff) {
    var rings = diff.before.concat(diff.after);
    if (!rings.length) return;
    var project = projection(bounds(rings));
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 " + WIDTH + " " + HEIGHT);
    svg.setAttribute("width", WIDTH);
    svg.setAttribute("height", HEIGHT);
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", "The shape before (dashed) and after (filled) this change");
    svg.appendChild(path(diff.after, project, "shape-after"));
    svg.appendChild(path(diff.before, project, "shape-before"));
    figure.insertBefore(svg, figure.firstChild);
  }

  function setUp() {
    var data = document.getElementById("shape-diffs");
    if (!data) return;
    var diffs = JSON.parse(data.textContent) || {};
    document.querySelectorAll("[data-shape-diff]").forEach(function (figure) {
      var diff = diffs[figure.getAttribute("data-shape-diff")];
      if (diff) draw(figure, diff);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
