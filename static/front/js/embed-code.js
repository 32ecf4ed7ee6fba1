/* The Embed dialog: the <iframe> code for the view shown (/embed/ with the permalink's
   query), and a copy button. Its words are the template's (#embed-dialog). */
(function () {
  "use strict";
  var PM = window.PolicyMap;
  var $ = PM.byId;

  function escapeAttribute(text) {
    return String(text).replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  }

  // The iframe code for the current view.
  PM.embedCode = function () {
    var code = $("embed-code");
    var src = new URL(code.getAttribute("data-embed-path") + PM.permalinkQuery(PM.state), window.location.href).href;
    return '<iframe src="' + escapeAttribute(src) + '" title="' + escapeAttribute(code.getAttribute("data-embed-title")) +
      '" width="100%" height="480" style="border:0" loading="lazy" referrerpolicy="strict-origin-when-cross-origin" allow="fullscreen"></iframe>';
  };

  PM.setupEmbedCode = function () {
    var dialog = $("embed-dialog");
    var opener = $("embed-open");
    if (!dialog || !opener) return;
    opener.addEventListener("click", function () {
      $("embed-code").value = PM.embedCode();
      $("embed-status").textContent = "";
      dialog.showModal();
      $("embed-code").select();
    });
    $("embed-close").addEventListener("click", function () { dialog.close(); });
    dialog.addEventListener("close", function () { opener.focus(); });
    $("embed-copy").addEventListener("click", function () {
      var text = $("embed-code").value;
      var status = $("embed-status");
      var done = function () { status.textContent = $("embed-copy").getAttribute("data-done"); };
      var selectIt = function () {  // no clipboard (or refused): the reader copies it
        $("embed-code").select();
        status.textContent = $("embed-copy").getAttribute("data-select");
      };
      PM.copyText(text, done, selectIt);
    });
  };

  // Notes with a close button (data-dismiss names the note) go away when it is pressed.
  PM.setupDismissableNotes = function () {
    document.querySelectorAll("[data-dismiss]").forEach(function (button) {
      button.addEventListener("click", function () {
        $(button.getAttribute("data-dismiss")).hidden = true;
      });
    });
  };

  // Printing: the sections a printed page needs are opened, and the map fits the paper.
  PM.setupPrinting = function (map) {
    var opened = [];
    window.addEventListener("beforeprint", function () {
      opened = [];
      document.querySelectorAll("#sources-details, #legend").forEach(function (details) {
        if (!details.open) { details.open = true; opened.push(details); }
      });
      map.invalidateSize({ animate: false });
    });
    window.addEventListener("afterprint", function () {
      opened.forEach(function (details) { details.open = false; });
      map.invalidateSize({ animate: false });
    });
  };
})();
