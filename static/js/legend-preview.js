/* Live preview of the legend on the ISV edit form: each input marked data-channel switches its
   chip on or off as the developer types (a text input is "on" when not empty). Without
   JavaScript the form's "Preview the legend" button does the same on the server. */
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";

  function isOn(input) {
    return input.type === "checkbox" ? input.checked : input.value.trim() !== "";
  }

  function setChip(chip, on) {
    var label = chip.querySelector(".chip__label");
    var status = chip.querySelector(".chip__status");
    var icon = chip.querySelector(".chip__icon");
    var strike = icon && icon.querySelector('use[href="#icon-off"]');
    chip.classList.toggle("chip--off", !on);
    if (status) { status.textContent = on ? "Offered" : "Not offered"; }
    if (label) { chip.title = label.textContent + ": " + (on ? "offered" : "not offered"); }
    if (!on && icon && !strike) {
      var use = document.createElementNS(SVG, "use");
      use.setAttribute("href", "#icon-off");
      icon.appendChild(use);
    } else if (on && strike) {
      strike.remove();
    }
  }

  function update(form, legend) {
    form.querySelectorAll("[data-channel]").forEach(function (input) {
      var chip = legend.querySelector(".chip--" + input.getAttribute("data-channel"));
      if (chip) { setChip(chip, isOn(input)); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-legend-preview]");
    var legend = form && document.getElementById(form.getAttribute("data-legend-preview"));
    if (!legend) { return; }
    form.addEventListener("input", function () { update(form, legend); });
    form.addEventListener("change", function () { update(form, legend); });
  });
})();
