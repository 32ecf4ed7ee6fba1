/* The launch point: the "Drop a launch point" mode, the check that the point is in
   Ukraine, each weapon's reach ring from it, and the panel's note on what is within reach. */
(function () {
  "use strict";
  var PM = window.PolicyMap;
  var el = PM.el;
  var config = PM.config;
  var $ = PM.byId;

  var armed = false;  // the next click or Enter drops the launch point

  // Great-circle distance in km (for "within reach of the launch point").
  function distanceKm(a, b) {
    var rad = Math.PI / 180;
    var dLat = (b.lat - a.lat) * rad, dLon = (b.lon - a.lon) * rad;
    var h = Math.pow(Math.sin(dLat / 2), 2) +
      Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.pow(Math.sin(dLon / 2), 2);
    return 2 * 6371.0088 * Math.asin(Math.sqrt(h));
  }

  PM.launchArmed = function () { return armed; };

  PM.setLaunchMode = function (on) {
    armed = on;
    $("drop-launch").setAttribute("aria-pressed", on ? "true" : "false");
    $("mode-note").hidden = !on;
    PM.map.getContainer().classList.toggle("mode-launch", on);
  };

  // What is within reach of the launch point.
  function reachNote(launch, point) {
    var km = distanceKm(launch, point);
    var within = config.weapons.filter(function (w) { return km <= w.range_km; }).map(function (w) { return w.name; });
    return el("p", { text: within.length
      ? PM.t("pointWithin", { km: PM.formatNumber(km, 1), weapons: PM.joinAnd(within) })
      : PM.t("pointBeyond", { km: PM.formatNumber(km, 1) }) });
  }

  // The panel's note on the launch point, or `message` when something went wrong.
  PM.showLaunchInfo = function (message) {
    var state = PM.state;
    var box = PM.clear($("launch-body"));
    if (message) {
      box.appendChild(el("p", { class: "verdict-error", role: "alert", text: message }));
      box.hidden = false;
      return;
    }
    if (!state.launch) { box.hidden = true; return; }
    box.appendChild(el("p", {}, [el("strong", { text: PM.t("launchPointIs") }), PM.formatLatLng(state.launch.lat, state.launch.lon)]));
    var ranges = config.weapons.map(function (w) { return PM.t("weaponRange", { weapon: w.name, km: PM.formatNumber(w.range_km) }); });
    box.appendChild(el("p", { text: PM.t("reachRingsFor", { ranges: PM.joinAnd(ranges) }) }));
    if (state.point) box.appendChild(reachNote(state.launch, state.point));
    box.hidden = false;
  };

  PM.showLaunchError = function (error) { PM.showLaunchInfo(PM.t("reachFailed", { error: error.message })); };

  // Each weapon's ring from the launch point, and its marker.
  function drawLaunch(group, point) {
    group.clearLayers();
    if (!point) return;
    config.weapons.forEach(function (weapon) {
      group.addLayer(PM.reachLayer(weapon.slug, point));
    });
    group.addLayer(L.marker([point.lat, point.lon], {
      pane: "places", interactive: false, keyboard: false, title: PM.t("launchPoint"),
      icon: L.divIcon({ className: "launch-marker", iconSize: [18, 18] })
    }));
  }

  PM.setLaunch = function (point) {
    var state = PM.state;
    state.launch = point ? { lat: point.lat, lon: point.lon } : null;
    drawLaunch(PM.view.layers.launch, state.launch);
    $("clear-launch").hidden = !state.launch;
    $("legend-launch").hidden = !state.launch;
    PM.showLaunchInfo();
    PM.updateLinks();
  };

  // Launch points belong in Ukraine: check with the verdict service first.
  PM.dropLaunch = function (point) {
    PM.setLaunchMode(false);
    return PM.getJSON(PM.apiUrl("/api/verdict?lat=" + point.lat.toFixed(5) + "&lon=" + point.lon.toFixed(5) +
      "&date=" + encodeURIComponent(PM.state.date))).then(function (data) {
      if (!data.zone || data.zone.kind !== "ukraine") {
        PM.showLaunchInfo(data.zone ? PM.t("launchInZone", { zone: data.zone.name }) : PM.t("launchOutside"));
        return;
      }
      PM.setLaunch(point);
    }).catch(function (error) { PM.showLaunchInfo(PM.t("launchCheckFailed", { error: error.message })); });
  };

  PM.setupLaunchPoint = function () {
    $("drop-launch").addEventListener("click", function () { PM.setLaunchMode(!armed); });
    $("clear-launch").addEventListener("click", function () { PM.setLaunch(null); $("drop-launch").focus(); });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && armed) PM.setLaunchMode(false);
    });
  };
})();
