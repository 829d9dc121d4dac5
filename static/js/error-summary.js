// The page's error summary receives focus when the page loads, so a screen reader reads it
// first and a keyboard user starts from its links (issue 22). Served by the app, within the CSP.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("foutmeldingen");
  if (summary) { summary.focus(); }
});
