// axe leaves the formulas out (the context excludes them) but still walks every node of
// them in every rule, and lays out a grid of every box for colour contrast: on the chapter
// with the most math, most of the page's nodes. During axe's runs each formula's container
// keeps a box of exactly the formula's size on its baseline and loses the MathML inside;
// the MathML comes back after. Whether anything else moved is measured, not assumed
// (`geometry.js`); if something did, axe checks the untouched page instead.
(() => {
  const maths = Array.from(document.querySelectorAll('mjx-container > math'));
  const boxes = maths.map(m => {
    const r = m.getBoundingClientRect();
    const block = getComputedStyle(m).display.startsWith('block');
    if (block) return [r.width, r.height, 0, true];
    // a zero-size mark beside the formula sits on its baseline
    const k = document.createElement('span');
    k.style.cssText = 'display:inline-block;width:0;height:0;margin:0;padding:0;border:0';
    m.before(k);
    const depth = r.bottom - k.getBoundingClientRect().bottom;
    k.remove();
    return [r.width, r.height, depth, false];
  });
  window.__ccHollowed = maths.map((m, i) => {
    const [width, height, depth, block] = boxes[i];
    const box = document.createElement('span');
    box.style.cssText = block
      ? `display:block;width:${width}px;height:${height}px;margin:0 auto`
      : `display:inline-block;width:${width}px;height:${height}px;vertical-align:${-depth}px`;
    const container = m.parentElement;
    const saved = {container, beside: Array.from(container.childNodes)};
    container.replaceChildren(box);
    return saved;
  });
})
