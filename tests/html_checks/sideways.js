// Elements that stick out of the phone screen (outside any scroll box): the page's culprits.
(() => {
  const w = document.documentElement.clientWidth;
  const culprits = [];
  for (const el of document.querySelectorAll('article.bd-article *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= w + 1) continue;
    let p = el.parentElement, clipped = false;
    while (p) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden') {
        if (p.getBoundingClientRect().right <= w + 1) { clipped = true; break; }
      }
      p = p.parentElement;
    }
    if (!clipped) culprits.push(el.tagName.toLowerCase() + ' "'
      + (el.textContent || '').trim().slice(0, 60) + '" right edge ' + Math.round(r.right));
  }
  return {scrollWidth: document.documentElement.scrollWidth, width: w,
          culprits: culprits.slice(-5)};
})
