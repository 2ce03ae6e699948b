// What a reader meets on the page at the current width (issue 18's table), for
// tests/test_html.py and tools/page_metrics.py:
// - code: height of the code inputs on show (not collapsed by hide-input, not inside a
//   closed solution) and height of the article, in CSS px;
// - cut: output and code boxes whose text runs past their right edge (hidden sideways);
// - eq / eqlinks: numbered display equations, and links to equations;
// - markers: test markers (NBVAL_...) anywhere in the article's text, collapsed code
//   included (a reader may open it).
(() => {
  const article = document.querySelector('article.bd-article') || document.body;
  // checkVisibility: a closed <details> (hide-input, a solution) still reports the size of
  // its content, which is skipped (content-visibility), not removed from layout
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    return r.height > 0 && r.width > 0 && el.checkVisibility({visibilityProperty: true});
  };
  let code = 0;
  for (const el of article.querySelectorAll('.cell_input')) {
    if (shown(el)) code += el.getBoundingClientRect().height;
  }
  const cut = [];
  for (const pre of article.querySelectorAll('.cell_output pre, .cell_input pre')) {
    if (!shown(pre) || pre.scrollWidth <= pre.clientWidth + 1) continue;
    const line = pre.textContent.split('\n').reduce((a, l) => (l.length > a.length ? l : a), '');
    const where = pre.closest('.cell_output') ? 'output' : 'code';
    cut.push(`${where} line of ${line.length} characters: ${line.trim().slice(0, 70)}`);
  }
  return {
    height: article.getBoundingClientRect().height,
    code: code,
    cut: cut,
    eq: article.querySelectorAll('span.eqno').length,
    eqlinks: article.querySelectorAll('a[href*="#equation-"]').length,
    markers: article.textContent.match(/NBVAL_[A-Z_]+/g) || [],
  };
})
