/* Where the drawn outline is invalid (a self-intersection), the server names the place in the
   error and hands it over as JSON (#zone-problem-point); mark it on the zone's map. */
(function () {
  "use strict";

  function problemPoint() {
    var element = document.getElementById("zone-problem-point");
    return element ? JSON.parse(element.textContent) : null;
  }

  function mark(map, point) {
    var latlng = L.latLng(point.lat, point.lon);
    var label = document.createElement("span");
    label.textContent = point.label;  /* a text node: nothing here is read as HTML */
    L.circleMarker(latlng, {
      radius: 9,
      className: "zone-problem-marker",
      interactive: false,
    })
      .bindTooltip(label, { permanent: true, direction: "top", className: "zone-problem-label" })
      .addTo(map);
    if (!map.getBounds().contains(latlng)) map.panTo(latlng);
    map.getContainer().classList.add("has-problem-marker");
  }

  window.addEventListener("map:init", function (event) {
    var map = event.detail.map;
    function go() {
      var point = problemPoint();
      if (point) mark(map, point);
    }
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", go);
    } else {
      go();
    }
  });
})();
