/* Names on the map that would overlap: while one would cover another, the lower-ranked
   one is hidden (major places, then oblast names, then other places; among equals the
   one added first, the larger place, stays). Checked again after each zoom and whenever
   names are added or removed. */
(function () {
  "use strict";
  var PM = window.PolicyMap;
  var RANKS = [".place-label--major", ".oblast-label", ".place-label"];
  var GAP = 2;  // px kept clear between two names

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
    var frame = 0;
    function declutter() {
      frame = 0;
      var nodes = Array.prototype.slice.call(pane.querySelectorAll(".map-label"));
      nodes.forEach(function (node) { node.classList.remove("label-covered"); });
      // All the measuring first (one layout), then the hiding.
      var names = nodes.map(function (node, order) {
        var text = node.firstElementChild || node;
        return { node: node, rank: rank(node), order: order, box: text.getBoundingClientRect() };
      }).filter(function (name) { return name.box.width > 0; });  // not shown at this zoom
      names.sort(function (a, b) { return a.rank - b.rank || a.order - b.order; });
      var shown = [];
      names.forEach(function (name) {
        if (shown.some(function (box) { return overlaps(box, name.box); })) name.node.classList.add("label-covered");
        else shown.push(name.box);
      });
      map.getContainer().setAttribute("data-labels-checked", String(Date.now()));
    }
    function later() { if (!frame) frame = window.requestAnimationFrame(declutter); }
    map.on("zoomend layeradd layerremove", later);
    later();
  };
})();
