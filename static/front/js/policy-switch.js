/* The policy switch: the date the map shows, the policy version in force on it (its title
   and summary, its rows in the zone table), and the note on what that version changed. */
(function () {
  "use strict";
  var PM = window.PolicyMap;
  var el = PM.el;
  var config = PM.config;
  var $ = PM.byId;

  function radios() {
    return Array.prototype.slice.call(document.querySelectorAll("#policy-switch input[type=radio]"));
  }

  function changeText(change) {
    return change.from_label.toLowerCase() + " to " + change.to_label.toLowerCase();
  }

  // "Dashed outline: this area ... changed from ... on ...", one line per changed area.
  function showChangesHere(note, here) {
    here.forEach(function (change, i) {
      if (i) note.appendChild(el("br"));
      note.appendChild(el("strong", { text: "Dashed outline: " }));
      note.appendChild(document.createTextNode("this area (\u201C" + change.name + "\u201D) changed from " +
        changeText(change) + " on " + PM.formatDate(change.date) + "."));
    });
  }

  // What the next version changed, with a button that shows it.
  function showChangesAhead(note, next, ahead) {
    note.appendChild(document.createTextNode("On " + PM.formatDate(next.effective_from) + ", " +
      ahead.map(function (c) {
        return "the area \u201C" + c.name + "\u201D changed from " + changeText(c);
      }).join("; ") + ". "));
    var button = el("button", { type: "button", class: "link-button", text: "Show that version" });
    button.addEventListener("click", function () { PM.setDate(next.date); });
    note.appendChild(button);
  }

  function showChangeNote(policy) {
    var note = PM.clear($("change-note"));
    var here = config.changes.filter(function (c) { return policy && c.policy === policy.slug; });
    var index = policy ? config.policies.indexOf(policy) : -1;
    var next = config.policies[index + 1];
    var ahead = next ? config.changes.filter(function (c) { return c.policy === next.slug; }) : [];
    if (here.length) showChangesHere(note, here);
    else if (ahead.length) showChangesAhead(note, next, ahead);
    note.hidden = !here.length && !ahead.length;
  }

  PM.showPolicy = function () {
    var policy = PM.policyOn(PM.state.date);
    radios().forEach(function (radio) {
      radio.checked = !!policy && radio.getAttribute("data-policy") === policy.slug;
    });
    if (policy) {
      $("policy-title").textContent = policy.title + ".";
      $("policy-summary-text").textContent = policy.summary;
      $("policy-summary-panel").textContent = policy.summary;
    }
    Array.prototype.forEach.call(document.querySelectorAll("#zones-table tbody tr"), function (row) {
      row.hidden = !policy || row.getAttribute("data-policy") !== policy.slug;
    });
    showChangeNote(policy);
  };

  PM.setDate = function (date) {
    PM.state.date = date;
    PM.showPolicy();
    PM.loadZones(true);
    PM.updateLinks();
    PM.reask();
  };

  PM.setupPolicySwitch = function () {
    radios().forEach(function (radio) {
      radio.addEventListener("change", function () { if (radio.checked) PM.setDate(radio.value); });
    });
  };
})();
