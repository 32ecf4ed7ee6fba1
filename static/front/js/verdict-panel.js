/* The verdict panel: asking /api/verdict about a point (a click, Enter, a place found or
   the permalink's), for the weapon and target chosen, and showing the answer with its
   reasons, nearby zones, assumptions and sources. */
(function () {
  "use strict";
  var PM = window.PolicyMap;
  var el = PM.el;

  var body = document.getElementById("verdict-body");
  var live = document.getElementById("verdict-live");
  var counter = 0;

  function verdictUrl(query) {
    var params = new URLSearchParams();
    params.set("lat", query.point.lat.toFixed(5));
    params.set("lon", query.point.lon.toFixed(5));
    if (query.weapon) params.set("weapon", query.weapon);
    if (query.target) params.set("target", query.target);
    if (query.date) params.set("date", query.date);
    return PM.apiUrl("/api/verdict?" + params.toString());
  }

  function badge(status, label) {
    return el("span", { class: "status-badge status--" + status, "data-status": status }, [
      el("span", { class: "icon", "aria-hidden": "true", text: (PM.config.statuses[status] || {}).icon || "" }),
      el("span", { class: "status-text", text: label || PM.statusLabel(status) })
    ]);
  }

  function fact(list, term, value) {
    if (value === null || value === undefined || value === "") return;
    list.appendChild(el("dt", { text: term }));
    list.appendChild(el("dd", {}, [value]));
  }

  // The reason that says why: the one the engine marks as the main one.
  function mainReason(reasons) {
    var main = (reasons || []).filter(function (r) { return r.main; })[0];
    return main ? main.text : "";
  }

  function sourceItem(source) {
    var attribution = [source.speaker, source.publisher, PM.dayText(source.date)]
      .filter(Boolean).join(", ");
    var children = [];
    // A quote stays in the language it was said in, marked so (in the reader's language).
    var quoteLang = source.quote_lang || "en";
    if (source.quote) children.push(el("blockquote", { lang: quoteLang, text: source.quote }));
    if (source.quote && quoteLang !== PM.config.lang) {
      children.push(el("p", { class: "quote-lang", text: PM.t("quoteIn") }));
    }
    else if (source.note) children.push(el("p", { class: "note", text: source.note }));
    var line = el("p", { class: "attribution" }, [attribution]);
    if (source.url && /^https?:\/\//.test(source.url)) {
      line.appendChild(document.createTextNode(" \u00B7 "));
      line.appendChild(el("a", { href: source.url, rel: "noopener noreferrer", target: "_blank", text: PM.t("sourceLink") }));
    }
    children.push(line);
    return el("li", {}, children);
  }

  function verdictHead(data, query) {
    var where = PM.formatLatLng(query.point.lat, query.point.lon);
    return el("div", { class: "verdict-head" }, [
      badge(data.status, data.label),
      el("span", { class: "coords", text: query.label ? query.label + " \u00B7 " + where : where })
    ]);
  }

  // Where the point is, under which policy version, what was asked, how far from the border.
  function verdictFacts(data, query) {
    var zone = data.zone;
    var facts = el("dl", { class: "facts" });
    if (zone) {
      var zoneText = zone.name + " (" + (PM.config.kinds[zone.kind] || zone.kind) + ")";
      fact(facts, PM.t("factZone"), zoneText);
      if (zone.status !== data.status) fact(facts, PM.t("factZoneStatus"), PM.statusLabel(zone.status));
    } else {
      fact(facts, PM.t("factZone"), PM.t("noZone"));
    }
    if (data.policy) {
      fact(facts, PM.t("factPolicy"), data.policy.title);
      fact(facts, PM.t("factInForce"), data.policy.when);
      fact(facts, PM.t("factHowSure"), PM.config.confidence[data.policy.confidence]);
    }
    var q = data.query || {};
    var weapon = PM.config.weapons.filter(function (w) { return w.slug === q.weapon; })[0];
    var target = PM.config.targets.filter(function (t) { return t.slug === q.target; })[0];
    fact(facts, PM.t("factAskedFor"), PM.t("askedFor", {
      weapon: weapon ? weapon.name : PM.t("anyWeapon"),
      target: target ? target.name.charAt(0).toLowerCase() + target.name.slice(1) : PM.t("anyTarget"),
      date: PM.dayText(q.date || query.date)
    }));
    if (data.distance_to_border_km !== null && data.distance_to_border_km !== undefined) {
      fact(facts, PM.t("factToBorder"), PM.t("toBorder", { km: PM.formatNumber(data.distance_to_border_km, 1) }));
    }
    return facts;
  }

  function assumptionItem(a) {
    var value = a.value !== null && a.value !== undefined ? ": " + PM.formatNumber(a.value, 1) + (a.unit ? " " + a.unit : "") : "";
    return el("li", {}, [el("strong", { text: a.title + value + "." }), " " + a.statement]);
  }

  // The headed lists under the facts: why, what is nearby, the assumptions, the sources.
  function verdictLists(data) {
    var parts = [];
    function list(items, heading, className, item) {
      if (!items || !items.length) return;
      parts.push(el("h3", { text: heading }));
      parts.push(el("ul", { class: className }, items.map(item)));
    }
    list(data.reasons, PM.t("why"), "reasons", function (reason) {
      return el("li", { "data-code": reason.code, text: reason.text });
    });
    list(data.nearby, PM.t("nearby"), "reasons nearby", function (item) {
      return el("li", {}, [PM.t("nearbyItem", { name: item.name, status: PM.statusLabel(item.status),
        km: PM.formatNumber(item.distance_km, 1) })]);
    });
    list(data.assumptions, PM.t("assumptionsApply"), "assumption-list", assumptionItem);
    list(data.sources, PM.t("sourcesSay"), "verdict-sources", sourceItem);
    return parts;
  }

  function render(data, query) {
    var status = data.status;
    var zone = data.zone;
    var q = data.query || {};
    var parts = [verdictHead(data, query), verdictFacts(data, query)].concat(verdictLists(data));
    PM.clear(body);
    parts.forEach(function (node) { body.appendChild(node); });
    body.setAttribute("data-status", status);
    body.setAttribute("data-weapon", q.weapon || "");
    body.setAttribute("data-target", q.target || "");
    body.setAttribute("data-date", q.date || query.date || "");

    live.textContent = PM.t(zone ? "liveAtZone" : "liveAt", {
      status: data.label || PM.statusLabel(status),
      where: query.label || PM.formatLatLng(query.point.lat, query.point.lon),
      zone: zone ? zone.name : ""
    }) + ". " + mainReason(data.reasons);
  }

  function renderError(error) {
    PM.clear(body);
    body.removeAttribute("data-status");
    var message = error.status === 404
      ? PM.t("verdictMissing")
      : PM.t("verdictFailed", { error: error.message });
    body.appendChild(el("p", { class: "verdict-error", role: "alert", text: message }));
    live.textContent = message;
  }

  // Ask for the verdict at query.point; only the latest request's answer is shown
  // (earlier ones run to completion: aborting them would only add failed requests).
  PM.askVerdict = function (query) {
    var ticket = ++counter;
    body.setAttribute("aria-busy", "true");
    if (!body.querySelector(".status-badge")) {
      PM.clear(body).appendChild(el("p", { class: "loading", text: PM.t("asking") }));
    }
    return PM.getJSON(verdictUrl(query)).then(function (data) {
      if (ticket !== counter) return null;
      body.removeAttribute("aria-busy");
      render(data, query);
      return data;
    }).catch(function (error) {
      if (ticket !== counter) return null;
      body.removeAttribute("aria-busy");
      renderError(error);
      return null;
    });
  };

  PM.clearVerdict = function () {
    counter++;
    PM.clear(body).appendChild(el("p", { class: "placeholder", text: PM.t("verdictPlaceholder") }));
    body.removeAttribute("data-status");
  };

  function round5(value) { return Math.round(value * 1e5) / 1e5; }

  // Bring the verdict into the panel's view when it is below the fold (or on a phone's sheet).
  function showVerdictSection() {
    var panel = PM.byId("panel");
    var section = PM.byId("verdict");
    var narrow = PM.narrow.matches;
    var top = section.offsetTop - (narrow ? PM.byId("sheet-toggle").offsetHeight : 0);
    var visibleBottom = panel.scrollTop + panel.clientHeight;
    if (narrow || section.offsetTop + 140 > visibleBottom || section.offsetTop < panel.scrollTop) {
      panel.scrollTo({ top: top, behavior: "auto" });
    }
  }

  // Ask about a point: mark it, keep it in the address bar, and show the verdict.
  PM.ask = function (point, label) {
    var state = PM.state;
    // The point as the address bar keeps it, so a permalink asks exactly the same.
    state.point = { lat: round5(point.lat), lon: round5(point.lon) };
    state.label = label || null;
    PM.view.setSelection(state.point);
    PM.updateLinks();
    PM.showLaunchInfo();
    return PM.askVerdict({ point: state.point, weapon: state.weapon, target: state.target, date: state.date, label: state.label })
      .then(function (data) {
        if (data) showVerdictSection();
        return data;
      });
  };

  // Ask again about the chosen point (another weapon, target or date).
  PM.reask = function () {
    var state = PM.state;
    if (state.point) PM.ask(state.point, state.label);
  };

  // The question's weapon and target, and "Ask about the map centre".
  PM.setupVerdictPanel = function (map) {
    var state = PM.state;
    var weaponSelect = PM.byId("weapon-select"), targetSelect = PM.byId("target-select");
    weaponSelect.value = state.weapon;
    targetSelect.value = state.target;
    weaponSelect.addEventListener("change", function () { state.weapon = weaponSelect.value; PM.updateLinks(); PM.reask(); });
    targetSelect.addEventListener("change", function () { state.target = targetSelect.value; PM.updateLinks(); PM.reask(); });
    PM.byId("ask-centre").addEventListener("click", function () {
      var centre = map.getCenter();
      PM.ask({ lat: centre.lat, lon: centre.lng });
    });
  };
})();
