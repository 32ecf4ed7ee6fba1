/* The benchmark's baseline: a bare Leaflet map drawing the full, unsimplified zones.
   Same centre and zoom as the map page; marks 'zones-drawn' the same way. */
(function () {
  "use strict";
  var map = L.map("map").setView([50.35, 36.6], 8);
  fetch("/api/zones.geojson")
    .then(function (response) { return response.json(); })
    .then(function (data) {
      L.geoJSON(data).addTo(map);
      requestAnimationFrame(function () { performance.mark("zones-drawn"); });
    });
})();
