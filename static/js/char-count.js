// The characters typed in a text area against its maximum, under the text area. The page
// says the maximum without this script; the script only counts along.
(function () {
  "use strict";
  var number = new Intl.NumberFormat("nl-NL");
  document.querySelectorAll(".char-count[data-for]").forEach(function (counter) {
    var area = document.getElementById(counter.dataset.for);
    var max = area ? parseInt(area.getAttribute("maxlength"), 10) : NaN;
    if (!area || isNaN(max)) { return; }
    function update() {
      var used = area.value.length;
      counter.textContent = counter.dataset.template.replace("{count}", number.format(used));
      counter.classList.toggle("char-count--full", used >= max);
    }
    area.addEventListener("input", update);
    update();
  });
})();
