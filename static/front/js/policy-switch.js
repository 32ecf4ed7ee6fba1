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

  // "What changed on 17 June 2024: ...", with the changed areas' dashed outline named.
  function showChangesHere(note, policy, here) {
    note.appendChild(el("strong", { text: "What changed on " + PM.formatDate(policy.effective_from) + ": " }));
    note.appendChild(document.createTextNode(policy.changes + " "));
    if (here.length) {
      note.appendChild(document.createTextNode("Dashed outline: " + here.map(function (c) {
        return "\u201C" + c.name + "\u201D";
      }).join(", ") + "."));
    }
  }

  // What the next version changed, with a button that shows it.
  function showChangesAhead(note, next) {
    note.appendChild(document.createTextNode("On " + PM.formatDate(next.effective_from) + ": " + next.changes + " "));
    var button = el("button", { type: "button", class: "link-button", text: "Show that version" });
    button.addEventListener("click", function () { PM.setDate(next.date); });
    note.appendChild(button);
  }

  function nextApplied(policy) {
    var later = config.policies.slice(config.policies.indexOf(policy) + 1);
    return later.filter(function (p) { return !p.disputed; })[0];
  }

  function showChangeNote(policy) {
    var note = PM.clear($("change-note"));
    var here = config.changes.filter(function (c) { return policy && c.policy === policy.slug; });
    var next = policy ? nextApplied(policy) : null;
    if (policy && policy.changes && policy.effective_from) showChangesHere(note, policy, here);
    else if (next && next.changes) showChangesAhead(note, next);
    note.hidden = !note.firstChild;
  }

  // Past the newest source, the map says that nothing later is recorded.
  function showKnowledge() {
    var after = config.knownAsOf && PM.state.date > config.knownAsOf;
    $("known-as-of").classList.toggle("known-as-of--past", !!after);
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
      $("policy-deep").textContent = policy.deep;
    }
    Array.prototype.forEach.call(document.querySelectorAll("#zones-table tbody tr"), function (row) {
      row.hidden = !policy || row.getAttribute("data-policy") !== policy.slug;
    });
    showChangeNote(policy);
    showKnowledge();
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
