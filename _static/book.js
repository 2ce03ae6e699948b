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
