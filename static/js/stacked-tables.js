// Tables become stacked rows on a narrow screen (issue 22; the layout is in static/css/app.css):
// every data cell gets its column header as data-label, which the CSS shows before the cell's
// value. Because `display: block` takes the table semantics away in some browsers, the table,
// its row groups, rows and cells get their roles explicitly, so a screen reader still hears a
// table with headers. Without JavaScript a table keeps its own scrolling region.
document.addEventListener("DOMContentLoaded", function () {
  var ROLES = { THEAD: "rowgroup", TBODY: "rowgroup", TFOOT: "rowgroup", TR: "row", TD: "cell" };

  function headers(table) {
    // The texts of the header row, one per column (a header spanning columns repeats).
    var row = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    var texts = [];
    if (!row) { return texts; }
    Array.prototype.forEach.call(row.cells, function (cell) {
      for (var i = 0; i < (cell.colSpan || 1); i += 1) { texts.push(cell.textContent.trim()); }
    });
    return texts;
  }

  Array.prototype.forEach.call(document.querySelectorAll("main table"), function (table) {
    var texts = headers(table);
    if (!texts.length) { return; }
    table.setAttribute("role", "table");
    Array.prototype.forEach.call(table.querySelectorAll("thead, tbody, tfoot, tr, th, td"), function (el) {
      if (el.closest("table") !== table) { return; }
      if (el.tagName === "TH") {
        el.setAttribute("role", el.closest("thead") ? "columnheader" : "rowheader");
      } else {
        el.setAttribute("role", ROLES[el.tagName]);
      }
    });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          var label = texts[column];
          // A cell spanning the whole row (such as "Geen signalen gevonden.") needs no label.
          if (cell.tagName === "TD" && label && cell.colSpan < texts.length &&
              !cell.hasAttribute("data-label")) {
            cell.setAttribute("data-label", label);
          }
          column += cell.colSpan || 1;
        });
      });
    });
    table.classList.add("stacked-table");
  });
});
