/* "Copy your request" on the wizard's routes that leave the site: shows the button (hidden
   without JavaScript, where the read-only box can be selected and copied by hand), copies the
   box's text to the clipboard and says so in the page's live region. */
(function () {
  "use strict";

  function announce(button, text) {
    var status = document.getElementById(button.id ? button.id + "-status" : "request-copy-status");
    if (status) { status.textContent = text; }
  }

  function copy(button) {
    var box = document.getElementById(button.getAttribute("data-copy-from"));
    if (!box) { return; }
    var done = function () { announce(button, "Copied: paste it into the form you open next."); };
    var failed = function () {
      box.focus();
      box.select();
      announce(button, "Copying was refused: the text is selected, press Ctrl+C (⌘C) to copy it.");
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(box.value).then(done, failed);
    } else {
      failed();
    }
  }

  document.querySelectorAll("[data-copy-from]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { copy(button); });
  });
})();
