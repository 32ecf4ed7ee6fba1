/* Weapon reach rings: each weapon's reach from the Kharkiv border segment (the panel's
   checkboxes, the layer control and the address bar agree on which are shown) or from a
   launch point (launch-point.js). The server names each ring (weapon.reach_label: a reach,
   not a policy line) and gives its dash (weapon.dash), as the legend shows them. */
(function () {
  "use strict";
  var PM = window.PolicyMap;

  var COLOURS = PM.config.colours;
  // The border's rings are on the map (PM.showBorderReach, after the zones are drawn).
  var live = false;

  function reachUrl(weapon, from) {
    return "/api/reach.geojson?weapon=" + encodeURIComponent(weapon) +
      (from ? "&lat=" + from.lat.toFixed(5) + "&lon=" + from.lon.toFixed(5) : "");
  }

  // The ring's label, above its northernmost point.
  function ringLabel(weapon, info, from, data, bounds) {
    var props = (data.features[0] || {}).properties || {};
    var km = props.range_km || info.range_km;
    // From the border, the ring's name as the legend and the layer control give it.
    var text = from ? PM.t("ringFromLaunch", { weapon: info.name || weapon, km: PM.formatNumber(km) })
      : info.reach_label;
    return L.tooltip({ permanent: true, direction: "top",
      className: "reach-label" + (from ? "" : " reach-label--" + weapon), pane: "tooltipPane" })
      .setLatLng([bounds.getNorth(), bounds.getCenter().lng])
      .setContent(PM.el("span", { class: "", text: text }));
  }

  // A weapon's reach from the Kharkiv border segment (from: null) or from a launch point,
  // fetched when the layer is first added to the map.
  PM.reachLayer = function (weapon, from) {
    var group = L.layerGroup();
    var index = PM.config.weapons.map(function (w) { return w.slug; }).indexOf(weapon);
    var info = PM.config.weapons[index] || { name: weapon };
    var loaded = false;
    group.on("add", function () {
      if (loaded) return;
      loaded = true;
      PM.getJSON(reachUrl(weapon, from)).then(function (data) {
        var ring = L.geoJSON(data, { pane: "reach", interactive: false,
          style: { color: COLOURS.reach, weight: 2.2, opacity: 0.95, dashArray: info.dash,
            fill: true, fillColor: COLOURS.reach, fillOpacity: 0.04, className: "reach reach--" + weapon } });
        group.addLayer(ring);
        var bounds = ring.getBounds();
        if (bounds.isValid()) group.addLayer(ringLabel(weapon, info, from, data, bounds));
      }).catch(function (error) {
        loaded = false;
        PM.showLaunchError && PM.showLaunchError(error);
      });
    });
    return group;
  };

  // Every weapon's ring from the Kharkiv border, by weapon slug (none on the map yet).
  PM.createBorderReach = function () {
    var rings = {};
    PM.config.weapons.forEach(function (weapon) {
      rings[weapon.slug] = PM.reachLayer(weapon.slug, null);
    });
    return rings;
  };

  // The panel's checkboxes, the layer control and the address bar agree. Until the rings
  // are added (after the zones), the boxes show and change what will be added.
  PM.setupReachSwitch = function (map, rings) {
    var state = PM.state;
    var boxes = Array.prototype.slice.call(document.querySelectorAll("#reach-switch input"));
    function reachChanged() {
      state.reach = live
        ? PM.config.weapons.map(function (w) { return w.slug; }).filter(function (slug) { return map.hasLayer(rings[slug]); })
        : boxes.filter(function (box) { return box.checked && rings[box.value]; })
          .map(function (box) { return box.value; });
      PM.updateLinks();
    }
    boxes.forEach(function (box) {
      var layer = rings[box.value];
      if (!layer) return;
      box.checked = state.reach.indexOf(box.value) >= 0;
      box.addEventListener("change", function () {
        if (!live) { reachChanged(); return; }
        if (box.checked) map.addLayer(layer);
        else map.removeLayer(layer);
      });
      layer.on("add remove", function () {
        box.checked = map.hasLayer(layer);
        reachChanged();
      });
    });
  };

  // The rings the view asks for (by default the deep-strike band's), after the zones like
  // every other layer: each is one small request.
  PM.showBorderReach = function (map, rings) {
    live = true;
    PM.state.reach.slice().forEach(function (slug) { map.addLayer(rings[slug]); });
  };
})();
