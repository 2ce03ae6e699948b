// Where every element outside the formulas sits, to the tenth of a pixel: the first call
// records it, the second returns how many elements are no longer where they were.
((record) => {
  const where = [];
  for (const e of document.body.querySelectorAll('*')) {
    if (e.closest('mjx-container')) continue;
    const r = e.getBoundingClientRect();
    where.push(Math.round(r.left * 10), Math.round(r.top * 10),
               Math.round(r.width * 10), Math.round(r.height * 10));
  }
  if (record) { window.__ccWhere = where; return 0; }
  const before = window.__ccWhere;
  if (before.length !== where.length) return Infinity;
  let moved = 0;
  for (let i = 0; i < where.length; i += 4) {
    if (where[i] !== before[i] || where[i + 1] !== before[i + 1]
        || where[i + 2] !== before[i + 2] || where[i + 3] !== before[i + 3]) moved++;
  }
  return moved;
})
