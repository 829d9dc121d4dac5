// Filters fold away on a narrow screen (issue 22): a filter panel (<details class="filter-panel">,
// open by default, so without JavaScript the filters are simply shown) is closed on a phone or at
// 200 % zoom when no filter is in use (data-fold-narrow, set by the template when the URL has no
// query). The summary opens it again; the keyboard and screen readers know <details> natively.
document.addEventListener("DOMContentLoaded", function () {
  if (!window.matchMedia("(max-width: 40rem)").matches) { return; }
  Array.prototype.forEach.call(document.querySelectorAll("details.filter-panel[data-fold-narrow]"), function (panel) {
    panel.open = false;
  });
});
