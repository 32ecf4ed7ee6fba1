/* Saving takes a few seconds (shapes are checked and derived in PostGIS): on submit, the
   form's buttons are disabled, so nobody saves twice, and "Saving…" is announced (aria-live).
   The pressed button's name still reaches the server (_save, _save_draft, _publish, …). */
(function () {
  "use strict";

  var FORMS = '#content-main form[id$="_form"]';

  function addStatus(form) {
    var rows = form.querySelectorAll(".submit-row");
    var status = document.createElement("p");
    status.className = "saving-status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    (rows.length ? rows[rows.length - 1] : form).appendChild(status);
    return status;
  }

  function keepPressedButton(form, button) {
    if (!button || !button.name) return;
    var hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = button.name;
    hidden.value = button.value;
    hidden.className = "saving-pressed";
    form.appendChild(hidden);
  }

  function buttons(form) {
    return form.querySelectorAll('input[type="submit"], button[type="submit"], button:not([type])');
  }

  function onSubmit(form, status, event) {
    if (form.classList.contains("is-saving")) {
      event.preventDefault();  /* a second click while the first save runs */
      return;
    }
    keepPressedButton(form, event.submitter);
    form.classList.add("is-saving");
    form.setAttribute("aria-busy", "true");
    buttons(form).forEach(function (button) {
      button.disabled = true;
    });
    status.textContent = "Saving… this takes a few seconds.";
  }

  function reset(form, status) {
    /* Back from another page (bfcache): the form is usable again. */
    form.classList.remove("is-saving");
    form.removeAttribute("aria-busy");
    form.querySelectorAll(".saving-pressed").forEach(function (input) {
      input.remove();
    });
    buttons(form).forEach(function (button) {
      button.disabled = false;
    });
    status.textContent = "";
  }

  function setUp() {
    document.querySelectorAll(FORMS).forEach(function (form) {
      var status = addStatus(form);
      form.addEventListener("submit", function (event) {
        onSubmit(form, status, event);
      });
      window.addEventListener("pageshow", function (event) {
        if (event.persisted) reset(form, status);
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
