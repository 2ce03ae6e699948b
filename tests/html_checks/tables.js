// Tables as a reader sees them at the current width:
// - wide: tables wider than the text column (on a phone, a reader would scroll each row);
// - breaks: a word broken inside a cell, between two letters or digits, or after a minus
//   sign ("in / bo / no / n", "−" / "1"); a break after a hyphen or a slash is fine;
// - styles: the look of each table (rules, borders, header), to find two styles on a page.
(() => {
  const article = document.querySelector('article.bd-article') || document.body;
  const a = getComputedStyle(article);
  const column = article.clientWidth - parseFloat(a.paddingLeft) - parseFloat(a.paddingRight);
  const label = (t) => (t.querySelector('caption, th, td') || t).textContent.trim().slice(0, 50);
  const wide = [];
  const styles = [];
  for (const t of article.querySelectorAll('table')) {
    if (!t.checkVisibility() || t.closest('.highlighttable')) continue;
    if (t.offsetWidth > column + 1) wide.push(`${t.offsetWidth} px in a ${Math.round(column)} px column: ${label(t)}`);
    const th = t.querySelector('thead th'), td = t.querySelector('tbody td + td');
    const s = getComputedStyle(t), h = th && getComputedStyle(th), d = td && getComputedStyle(td);
    styles.push({table: label(t), look: [s.borderTopWidth, s.borderBottomWidth,
      h ? h.borderBottomWidth : '-', h ? h.backgroundColor : '-', d ? d.borderLeftWidth : '-',
      d ? d.paddingLeft : '-'].join(' ')});
  }
  const breaks = [];
  const range = document.createRange();
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT, {
    acceptNode: (n) => (n.parentElement.closest('td, th') ? NodeFilter.FILTER_ACCEPT
                                                          : NodeFilter.FILTER_REJECT),
  });
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    for (const m of n.data.matchAll(/\S{2,}/g)) {
      range.setStart(n, m.index);
      range.setEnd(n, m.index + m[0].length);
      if (Array.from(range.getClientRects()).filter((r) => r.width > 0).length < 2) continue;
      let top = null;
      for (let i = 0; i < m[0].length; i++) {
        range.setStart(n, m.index + i);
        range.setEnd(n, m.index + i + 1);
        const r = range.getBoundingClientRect();
        if (r.width === 0) continue;
        if (top !== null && r.top > top + 2) {
          if (/[\p{L}\p{N}\u2212]/u.test(m[0][i - 1]) && /[\p{L}\p{N}]/u.test(m[0][i])) {
            breaks.push(`"${m[0].slice(0, i)}" / "${m[0].slice(i)}"`);
          }
          break;
        }
        top = r.top;
      }
    }
  }
  return {wide: wide, breaks: breaks, styles: styles};
})
