// Boxes that must not hide content sideways: display math, tables (and their wrappers).
(() => {
  const boxes = document.querySelectorAll(
    'article.bd-article mjx-container[display="true"], article.bd-article .cc-table-wrap,'
    + ' article.bd-article mjx-container.cc-wide-inline,'
    + ' article.bd-article .pst-scrollable-table-container,'
    + ' article.bd-article .cell_output .output.text_html, article.bd-article table');
  const out = [];
  const wrappers = '.cc-table-wrap, .pst-scrollable-table-container,'
    + ' .cell_output .output.text_html';
  for (const el of boxes) {
    if (!el.offsetParent && el.getClientRects().length === 0) continue;  // collapsed
    if (el.tagName === 'TABLE' && el.parentElement.closest(wrappers)) continue;  // its box counts
    const style = getComputedStyle(el);
    const hidden = el.scrollWidth - el.clientWidth;
    if (hidden <= 1) continue;
    const cue = /gradient/.test(style.backgroundImage);
    const text = (el.getAttribute('aria-label') || el.textContent || '').trim().slice(0, 70);
    out.push({tag: el.tagName.toLowerCase(), cls: el.className && String(el.className),
              width: el.scrollWidth, box: el.clientWidth, overflow: style.overflowX,
              cue: cue, text: text});
  }
  return out;
})
