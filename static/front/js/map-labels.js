/* Names on the map that would overlap: while one would cover another, the lower-ranked
   one is hidden (major places, then oblast names, then other places; among equals the
   one added first, the larger place, stays). Checked again after each zoom and once names
   stop being added or removed. */
(function () {
  "use strict";
  var PM = window.PolicyMap;
  var RANKS = [".place-label--major", ".oblast-label", ".place-label"];
  var GAP = 2;  // px kept clear between two names
  var SETTLE_MS = 150;  // quiet time after names were added or removed before checking

  function rank(node) {
    for (var i = 0; i < RANKS.length; i++) if (node.matches(RANKS[i])) return i;
    return RANKS.length;
  }

  function overlaps(a, b) {
    return a.left < b.right + GAP && b.left < a.right + GAP &&
      a.top < b.bottom + GAP && b.top < a.bottom + GAP;
  }

  PM.setupLabelCollisions = function (map) {
    var pane = map.getPane("labels");
    var timer = 0;
    function declutter() {
      timer = 0;
      var nodes = Array.prototype.slice.call(pane.querySelectorAll(".map-label"));
      // All the measuring first (one layout; a hidden name keeps its box), then the hiding,
      // changed only where it changes.
      var names = nodes.map(function (node, order) {
        var text = node.firstElementChild || node;
        return { node: node, rank: rank(node), order: order, box: text.getBoundingClientRect() };
      }).filter(function (name) { return name.box.width > 0; });  // not shown at this zoom
      names.sort(function (a, b) { return a.rank - b.rank || a.order - b.order; });
      var shown = [];
      names.forEach(function (name) {
        name.covered = shown.some(function (box) { return overlaps(box, name.box); });
        if (!name.covered) shown.push(name.box);
      });
      names.forEach(function (name) {
        if (name.node.classList.contains("label-covered") !== name.covered) {
          name.node.classList.toggle("label-covered", name.covered);
        }
      });
      map.getContainer().setAttribute("data-labels-checked", String(Date.now()));
    }
    // Once things settle: names come in bursts (a hundred places at once, the oblasts when
    // they arrive), and each check lays the page out once.
    function later() {
      if (timer) clearTimeout(timer);
      timer = setTimeout(function () {
        if (window.requestIdleCallback) window.requestIdleCallback(declutter, { timeout: 500 });
        else declutter();
      }, SETTLE_MS);
    }
    map.on("zoomend", function () { if (timer) clearTimeout(timer); timer = 0; declutter(); });
    map.on("layeradd layerremove", later);
    later();
  };
})();
