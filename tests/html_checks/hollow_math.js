// axe leaves MathJax's output out (the context excludes it) but still walks every node of
// it in every rule, and lays out a grid of every box for colour contrast: on the chapter
// with the most math, 20,000 of the page's 29,000 nodes and 70 % of axe's time. During
// axe's runs each formula keeps its container, its attributes and a box of exactly its
// size on its baseline, and loses the glyphs inside (and the hidden copy for screen
// readers); the glyphs come back after. Whether anything else moved is measured, not
// assumed (`_GEOMETRY_JS`); if something did, axe checks the untouched page instead.
(() => {
  const maths = Array.from(document.querySelectorAll('mjx-container > mjx-math'));
  // a zero-size mark as the formula's first child sits on its baseline
  const marks = maths.map(m => {
    const k = document.createElement('span');
    k.style.cssText = 'display:inline-block;width:0;height:0;margin:0;padding:0;border:0';
    m.prepend(k);
    return k;
  });
  const boxes = maths.map((m, i) => {
    const r = m.getBoundingClientRect(), s = getComputedStyle(m);
    const px = name => parseFloat(s[name]) || 0;
    const top = r.top + px('paddingTop') + px('borderTopWidth');
    const bottom = r.bottom - px('paddingBottom') - px('borderBottomWidth');
    const width = r.width - px('paddingLeft') - px('paddingRight')
      - px('borderLeftWidth') - px('borderRightWidth');
    return [width, bottom - top, bottom - marks[i].getBoundingClientRect().bottom];
  });
  marks.forEach(k => k.remove());
  window.__ccHollowed = maths.map((m, i) => {
    const [width, height, depth] = boxes[i];
    const box = document.createElement('span');
    box.style.cssText = `display:inline-block;width:${width}px;height:${height}px;`
      + `vertical-align:${-depth}px`;
    const container = m.parentElement;
    const saved = {m, container, inside: Array.from(m.childNodes),
                   beside: Array.from(container.childNodes)};
    m.replaceChildren(box);
    container.replaceChildren(m);
    return saved;
  });
})
