/* The side panel: the verdict from /api/verdict with its reasons and sources, and the
   place search, an ARIA combobox over the bundled GeoNames gazetteer (/api/places). */
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
    return "/api/verdict?" + params.toString();
  }

  function badge(status) {
    return el("span", { class: "status-badge status--" + status, "data-status": status }, [
      el("span", { class: "icon", "aria-hidden": "true", text: (PM.config.statuses[status] || {}).icon || "" }),
      el("span", { class: "status-text", text: PM.statusLabel(status) })
    ]);
  }

  function fact(list, term, value) {
    if (value === null || value === undefined || value === "") return;
    list.appendChild(el("dt", { text: term }));
    list.appendChild(el("dd", {}, [value]));
  }

  // The reason that says why: not the policy version's, nor where the point is.
  function mainReason(reasons) {
    var main = (reasons || []).filter(function (r) { return r.code !== "policy" && r.code !== "location"; })[0];
    return main ? main.text : "";
  }

  function sourceItem(source) {
    var attribution = [source.speaker, source.publisher, source.date ? PM.formatDate(source.date) : ""]
      .filter(Boolean).join(", ");
    var children = [];
    if (source.quote) children.push(el("blockquote", { text: source.quote }));
    else if (source.note) children.push(el("p", { class: "note", text: source.note }));
    var line = el("p", { class: "attribution" }, [attribution]);
    if (source.url && /^https?:\/\//.test(source.url)) {
      line.appendChild(document.createTextNode(" \u00B7 "));
      line.appendChild(el("a", { href: source.url, rel: "noopener noreferrer", target: "_blank", text: "source" }));
    }
    children.push(line);
    return el("li", {}, children);
  }

  function render(data, query) {
    var status = data.status;
    var zone = data.zone;
    var head = el("div", { class: "verdict-head" }, [
      badge(status),
      el("span", { class: "coords", text: query.label ? query.label + " \u00B7 " + PM.formatLatLng(query.point.lat, query.point.lon)
        : PM.formatLatLng(query.point.lat, query.point.lon) })
    ]);

    var facts = el("dl", { class: "facts" });
    if (zone) {
      var zoneText = zone.name + " (" + (PM.config.kinds[zone.kind] || zone.kind) + ")";
      fact(facts, "Zone", zoneText);
      if (zone.status !== status) fact(facts, "Zone status", PM.statusLabel(zone.status));
    } else {
      fact(facts, "Zone", "None: outside the area the policy covers");
    }
    if (data.policy) {
      fact(facts, "Policy", data.policy.title);
      fact(facts, "In force", data.policy.when);
    }
    var q = data.query || {};
    var weapon = PM.config.weapons.filter(function (w) { return w.slug === q.weapon; })[0];
    var target = PM.config.targets.filter(function (t) { return t.slug === q.target; })[0];
    fact(facts, "Asked for", (weapon ? weapon.name : "any US weapon") + ", " +
      (target ? target.name.charAt(0).toLowerCase() + target.name.slice(1) : "any target") + ", on " + PM.formatDate(q.date || query.date));
    if (data.distance_to_border_km !== null && data.distance_to_border_km !== undefined) {
      fact(facts, "To the border", PM.formatNumber(data.distance_to_border_km, 1) + " km from the Ukraine\u2013Russia border");
    }

    var parts = [head, facts];
    if (data.reasons && data.reasons.length) {
      parts.push(el("h3", { text: "Why" }));
      parts.push(el("ul", { class: "reasons" }, data.reasons.map(function (reason) {
        return el("li", { "data-code": reason.code, text: reason.text });
      })));
    }
    if (data.nearby && data.nearby.length) {
      parts.push(el("h3", { text: "Nearby" }));
      parts.push(el("ul", { class: "reasons nearby" }, data.nearby.map(function (item) {
        return el("li", {}, [item.name + ": " + PM.statusLabel(item.status) +
          ", " + PM.formatNumber(item.distance_km, 1) + " km away"]);
      })));
    }
    if (data.assumptions && data.assumptions.length) {
      parts.push(el("h3", { text: "Assumptions that apply" }));
      parts.push(el("ul", { class: "assumption-list" }, data.assumptions.map(function (a) {
        var value = a.value !== null && a.value !== undefined ? ": " + PM.formatNumber(a.value, 1) + (a.unit ? " " + a.unit : "") : "";
        return el("li", {}, [el("strong", { text: a.title + value + "." }), " " + a.statement]);
      })));
    }
    if (data.sources && data.sources.length) {
      parts.push(el("h3", { text: "What the report says" }));
      parts.push(el("ul", { class: "verdict-sources" }, data.sources.map(sourceItem)));
    }
    PM.clear(body);
    parts.forEach(function (node) { body.appendChild(node); });
    body.setAttribute("data-status", status);
    body.setAttribute("data-weapon", q.weapon || "");
    body.setAttribute("data-target", q.target || "");
    body.setAttribute("data-date", q.date || query.date || "");

    live.textContent = PM.statusLabel(status) + " at " +
      (query.label || PM.formatLatLng(query.point.lat, query.point.lon)) +
      (zone ? ", in " + zone.name : "") + ". " + mainReason(data.reasons);
  }

  function renderError(error) {
    PM.clear(body);
    body.removeAttribute("data-status");
    var message = error.status === 404
      ? "The verdict service is not available yet."
      : "Could not get a verdict: " + error.message;
    body.appendChild(el("p", { class: "verdict-error", role: "alert", text: message }));
    live.textContent = message;
  }

  // Ask for the verdict at query.point; only the latest request's answer is shown
  // (earlier ones run to completion: aborting them would only add failed requests).
  PM.askVerdict = function (query) {
    var ticket = ++counter;
    body.setAttribute("aria-busy", "true");
    if (!body.querySelector(".status-badge")) {
      PM.clear(body).appendChild(el("p", { class: "loading", text: "Asking\u2026" }));
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
    PM.clear(body).appendChild(el("p", { class: "placeholder",
      text: "Choose a point to see whether US-provided weapons may be used there under the policy in force, and why." }));
    body.removeAttribute("data-status");
  };
})();

(function () {
  "use strict";
  var PM = window.PolicyMap;
  var el = PM.el;

  var COUNTRY = { UA: "Ukraine", RU: "Russia" };

  PM.initSearch = function (onChoose) {
    var input = document.getElementById("place-search");
    var list = document.getElementById("place-results");
    var status = document.getElementById("place-status");
    var results = [];
    var active = -1;
    var timer = null;
    var lastQuery = "";

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function setActive(index) {
      var options = list.querySelectorAll("[role=option]");
      if (!options.length) return;
      active = (index + options.length) % options.length;
      Array.prototype.forEach.call(options, function (option, i) {
        option.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", options[active].id);
      options[active].scrollIntoView({ block: "nearest" });
    }

    function show(items, query) {
      results = items;
      PM.clear(list);
      if (!items.length) {
        list.appendChild(el("li", { class: "empty", role: "presentation", text: "No place called \u201C" + query + "\u201D in the gazetteer" }));
        status.textContent = "No places found.";
      } else {
        items.forEach(function (place, i) {
          var meta = (COUNTRY[place.country] || place.country) +
            (place.population ? " \u00B7 " + PM.formatNumber(place.population) : "");
          var option = el("li", { id: "place-option-" + i, role: "option", "aria-selected": "false" }, [
            el("span", { class: "place-name", text: place.name }),
            el("span", { class: "place-meta", text: meta })
          ]);
          option.addEventListener("mousedown", function (event) { event.preventDefault(); });
          option.addEventListener("click", function () { choose(i); });
          list.appendChild(option);
        });
        status.textContent = items.length + (items.length === 1 ? " place" : " places") + " found. Use the arrow keys to choose.";
      }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
    }

    function search(query) {
      lastQuery = query;
      return PM.getJSON("/api/places?limit=8&q=" + encodeURIComponent(query)).then(function (data) {
        if (query !== lastQuery) return;
        var items = Array.isArray(data) ? data : (data && data.results) || [];
        show(items, query);
      }).catch(function (error) {
        if (query !== lastQuery) return;
        PM.clear(list).appendChild(el("li", { class: "empty", role: "presentation", text: "Search is unavailable: " + error.message }));
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      });
    }

    function choose(index) {
      var place = results[index];
      if (!place) return;
      input.value = place.name;
      close();
      onChoose(place);
    }

    input.addEventListener("input", function () {
      var query = input.value.trim();
      if (timer) clearTimeout(timer);
      if (query.length < 2) { close(); return; }
      timer = setTimeout(function () { search(query); }, 180);
    });

    input.addEventListener("keydown", function (event) {
      var open = !list.hidden && results.length;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (!open && input.value.trim().length >= 2) { search(input.value.trim()).then(function () { setActive(0); }); return; }
        if (open) setActive(active + 1);
      } else if (event.key === "ArrowUp") {
        if (open) { event.preventDefault(); setActive(active - 1); }
      } else if (event.key === "Enter") {
        if (open) {
          event.preventDefault();
          choose(active >= 0 ? active : 0);
        } else if (input.value.trim().length >= 2) {
          // Enter before the list arrived: search now, then take the best match.
          event.preventDefault();
          if (timer) clearTimeout(timer);
          search(input.value.trim()).then(function () { if (results.length) choose(0); });
        }
      } else if (event.key === "Escape") {
        if (!list.hidden) { event.preventDefault(); close(); }
        else input.value = "";
      }
    });

    input.addEventListener("blur", function () { setTimeout(close, 150); });
  };
})();
