/* The zone editor's map: country, oblast and border outlines under the editable shape,
   so editors can find their way with the tile server unreachable. Drawn from the
   site's own public layers; if they cannot be fetched the map works as before. */
(function () {
  "use strict";

  var LAYERS = [
    { name: "countries", style: { color: "#555", weight: 1.5, fill: false } },
    { name: "oblasts", style: { color: "#888", weight: 0.8, dashArray: "3 3", fill: false } },
    { name: "kharkiv-segment", style: { color: "#111", weight: 3, fill: false } },
  ];

  function layerUrls() {
    /* The server hands over each layer's URL, tolerance included (never retyped here). */
    var data = document.getElementById("zone-reference-layers");
    return data ? JSON.parse(data.textContent) : {};
  }

  function addLayer(map, layer, url) {
    if (!url) return;
    fetch(url, { credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (!data) return;
        L.geoJSON(data, { style: layer.style, interactive: false }).addTo(map).bringToBack();
        map.getContainer().classList.add("outlines-" + layer.name);
      })
      .catch(function () {
        /* Outlines are a help, not a need: leave the map as it is. */
      });
  }

  window.addEventListener("map:init", function (event) {
    var map = event.detail.map;
    var urls = layerUrls();
    LAYERS.forEach(function (layer) {
      addLayer(map, layer, urls[layer.name]);
    });
  });
})();
