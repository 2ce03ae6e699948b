/* Inline formulas cannot wrap: on a narrow screen a long one ran past the column and was cut
 * off with no cue. Once the page is laid out (its math is typeset at build time, see
 * _ext/book_math.py) and on every resize, an inline formula
 * wider than its paragraph gets the class cc-wide-inline, which book.css turns into a box of
 * its own that scrolls sideways with the book's scroll-shadow cue, like display math. */
(function () {
  "use strict";
  function mark() {
    var formulas = document.querySelectorAll("article mjx-container:not([display])");
    formulas.forEach(function (m) { m.classList.remove("cc-wide-inline"); });
    formulas.forEach(function (m) {
      var block = m.parentElement && m.parentElement.closest("p, li, dd, dt, figcaption");
      if (block && m.getBoundingClientRect().width > block.clientWidth + 1) {
        m.classList.add("cc-wide-inline");
      }
    });
  }
  window.addEventListener("load", function () {
    mark();
    window.addEventListener("resize", mark);
  });
})();

/* Tables on a phone. A table wider than its column (below 600 px) becomes stacked cards
 * (class cc-cards, styled by book.css): each cell gets a copy of its column's header as a
 * label, made once, the first time the table needs it. Tables that fit stay tables. Cells
 * holding only a number or a short index (such as "−1") never wrap (class cc-num). */
(function () {
  "use strict";
  var PHONE = window.matchMedia("(max-width: 600px)");
  var NUMBER = /^[−\-+]?(\d[\d.,\u2009]*|\.\d+)(e[−\-+]?\d+)?\s*%?$/;

  function headers(table) {
    var row = table.tHead && table.tHead.rows[0];
    return row ? Array.prototype.slice.call(row.cells) : [];
  }

  function label(table) {
    if (table.dataset.ccLabelled) return;
    var head = headers(table);
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        if (row.cells.length !== head.length) return;
        Array.prototype.forEach.call(row.cells, function (cell, i) {
          var tag = document.createElement("div");
          tag.className = "cc-label";
          head[i].childNodes.forEach(function (n) { tag.appendChild(n.cloneNode(true)); });
          tag.querySelectorAll("[id]").forEach(function (e) { e.removeAttribute("id"); });
          tag.querySelectorAll("a.headerlink").forEach(function (e) { e.remove(); });
          cell.insertBefore(tag, cell.firstChild);
        });
      });
    });
    table.dataset.ccLabelled = "1";
  }

  function column(table) {
    var box = table.parentElement.closest(
      ".cc-table-wrap, .pst-scrollable-table-container, .cell_output .output, article");
    return (box || table.parentElement).clientWidth;
  }

  function lay() {
    document.querySelectorAll("article.bd-article table").forEach(function (table) {
      table.classList.remove("cc-cards");
      if (!PHONE.matches || headers(table).length < 2) return;
      if (table.offsetWidth > column(table) + 1) {
        label(table);
        table.classList.add("cc-cards");
      }
    });
  }

  function markNumbers() {
    document.querySelectorAll("article.bd-article td, article.bd-article th").forEach(
      function (cell) {
        var text = cell.textContent.trim();
        if (text.length <= 12 && NUMBER.test(text)) cell.classList.add("cc-num");
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    markNumbers();
    lay();
    PHONE.addEventListener("change", lay);
    window.addEventListener("resize", lay);
  });
})();
