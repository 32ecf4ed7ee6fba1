/* The timeline: the policy versions in order (config.policies, as the server worded them),
   stepped through by slug with Earlier / Later or chosen from the list. A step sets the date
   the map shows (kept in the address bar) and the version it draws (`shows`: a disputed
   version is stepped to, marked "Not applied", and never drawn as the rule). */
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
    note.appendChild(el("strong", { text: PM.t("changedOn", { date: policy.from_text }) }));
    note.appendChild(document.createTextNode(policy.changes + " "));
    if (here.length) {
      note.appendChild(document.createTextNode(PM.t("dashedOutline", { names: here.map(function (c) {
        return PM.t("quoted", { text: c.name });
      }).join(", ") })));
    }
  }

  // What the next version changed, with a button that shows it.
  function showChangesAhead(note, next) {
    note.appendChild(document.createTextNode(PM.t("changesOn", { date: next.from_text, changes: next.changes })));
    var button = el("button", { type: "button", class: "link-button", text: PM.t("showVersion") });
    button.addEventListener("click", function () { PM.setStep(next.slug); });
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

  // Where the record ends: past the newest source, the map says nothing later is known.
  function showKnowledge() {
    var knowledge = config.knowledge;
    var after = !!knowledge.knownAsOf && PM.state.date > knowledge.knownAsOf;
    $("known-as-of").textContent = after ? knowledge.beyond : knowledge.within;
    $("known-as-of").classList.toggle("known-as-of--past", after);
  }

  // The step buttons, the list's marks and the disputed version's "Not applied" note.
  function showStep(step, policy) {
    $("step-position").textContent = step ? step.position : "";
    $("step-prev").disabled = !step || step.first;
    $("step-next").disabled = !step || step.last;
    radios().forEach(function (radio) {
      radio.checked = !!policy && radio.getAttribute("data-policy") === policy.slug;
    });
    Array.prototype.forEach.call(document.querySelectorAll(".policy-option--disputed"), function (option) {
      var current = !!step && option.getAttribute("data-policy") === step.slug;
      option.classList.toggle("policy-option--current", current);
      if (current) option.setAttribute("aria-current", "step");
      else option.removeAttribute("aria-current");
    });
    var disputed = !!step && step.disputed;
    $("disputed-note").hidden = !disputed;
    $("disputed-note").textContent = disputed ? step.not_applied : "";
    $("policy-prohibition").textContent = step ? step.prohibition : "";
    $("policy-ring").textContent = step ? step.ring : "";
  }

  // The page as the state's step and drawn version (state.step, state.policy) say.
  PM.showPolicy = function () {
    var step = PM.policy(PM.state.step);
    var policy = PM.policy(PM.state.policy);
    showStep(step, policy);
    if (policy) {
      $("policy-title").textContent = policy.title + ".";
      $("policy-summary-text").textContent = policy.summary;
      $("policy-summary-panel").textContent = policy.summary;
    }
    Array.prototype.forEach.call(document.querySelectorAll("#zones-table tbody tr"), function (row) {
      row.hidden = !policy || row.getAttribute("data-policy") !== policy.slug;
    });
    showChangeNote(step && step.disputed ? null : policy);
    showKnowledge();
  };

  // Step to a version by slug: its date, the version the map draws for it.
  PM.setStep = function (slug) {
    var step = PM.policy(slug);
    if (!step) return;
    PM.state.step = step.slug;
    PM.state.policy = step.shows;
    PM.state.date = step.date;
    PM.showPolicy();
    PM.loadZones(true);
    PM.updateLinks();
    PM.reask();
  };

  // Earlier / Later; a button disabled at an end hands the keyboard focus to the other.
  function stepBy(offset, button, other) {
    var policies = config.policies;
    var index = policies.indexOf(PM.policy(PM.state.step)) + offset;
    if (index >= 0 && index < policies.length) PM.setStep(policies[index].slug);
    if (button.disabled) other.focus();
  }

  PM.setupPolicySwitch = function () {
    radios().forEach(function (radio) {
      radio.addEventListener("change", function () {
        if (radio.checked) PM.setStep(radio.getAttribute("data-policy"));
      });
    });
    var prev = $("step-prev"), next = $("step-next");
    prev.addEventListener("click", function () { stepBy(-1, prev, next); });
    next.addEventListener("click", function () { stepBy(1, next, prev); });
  };
})();
