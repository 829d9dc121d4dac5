// The votes on an agenda item as they come in, without reloading the page (and without
// losing what the member is typing). Without JavaScript the "Stemmen verversen" link does it.
(function () {
  "use strict";
  var grid = document.querySelector(".vote-grid[data-votes-url]");
  if (!grid || !window.fetch) { return; }
  var note = document.querySelector(".live-votes-note");
  if (note) { note.hidden = false; }
  var shown = {};
  grid.querySelectorAll("[data-partner]").forEach(function (card) {
    var line = card.querySelector(".vote-card__outcome");
    shown[card.dataset.partner] = line ? line.textContent : "";
  });
  function poll() {
    fetch(grid.dataset.votesUrl, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var changed = false;
        data.votes.forEach(function (vote) {
          var card = grid.querySelector('[data-partner="' + vote.partner + '"]');
          var line = card && card.querySelector(".vote-card__outcome");
          if (!line) { return; }
          var text = vote.outcome + " — " + vote.cast_at;
          var before = shown[vote.partner] || "";
          if (before.indexOf(vote.outcome) === -1 || before.indexOf(vote.cast_at) === -1) {
            line.textContent = text;
            shown[vote.partner] = text;
            line.classList.remove("muted");
            changed = true;
          }
        });
        if (data.decided) { window.location.reload(); return; }
        window.setTimeout(poll, changed ? 5000 : 10000);
      })
      .catch(function () { window.setTimeout(poll, 30000); });
  }
  window.setTimeout(poll, 10000);
})();
