// Inline math cannot wrap: a long formula runs past the column and is cut off, no cue at all.
(() => {
  const out = [];
  const scrollers = '.cc-table-wrap, .pst-scrollable-table-container, .cell_output,'
    + ' mjx-container[display="true"]';
  const inline = 'article.bd-article mjx-container:not([display]):not(.cc-wide-inline)';
  for (const m of document.querySelectorAll(inline)) {
    if (m.closest(scrollers)) continue;
    const block = m.parentElement.closest('p, li, dd, dt, td, th, figcaption, h1, h2, h3, h4');
    if (!block) continue;
    const r = m.getBoundingClientRect(), b = block.getBoundingClientRect();
    if (r.width > 0 && r.right > b.right + 1) {
      out.push(Math.round(r.width) + ' px formula ends ' + Math.round(r.right - b.right)
        + ' px past its paragraph: ' + (m.textContent || '').trim().slice(0, 60));
    }
  }
  return out;
})
