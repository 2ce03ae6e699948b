// Math as built: every formula typeset when the page arrives (no MathJax in the browser),
// as MathML the browser lays out and screen readers read, and no MathJax script on the page.
(() => {
  const problems = [];
  for (const m of document.querySelectorAll('article .math')) {
    if (!m.querySelector('mjx-container > math')) {
      problems.push('math not typeset: ' + m.textContent.trim().slice(0, 60));
    }
  }
  for (const c of document.querySelectorAll('mjx-container')) {
    const math = c.querySelector(':scope > math');
    if (!math || math.namespaceURI !== 'http://www.w3.org/1998/Math/MathML') {
      problems.push('formula without MathML: ' + c.textContent.trim().slice(0, 60));
      break;
    }
  }
  for (const s of document.scripts) {
    if (/mathjax|tex-chtml/i.test(s.src) || /window\.MathJax\s*=/.test(s.textContent)) {
      problems.push('the page loads MathJax: ' + (s.src || s.textContent.slice(0, 40)));
    }
  }
  return problems;
})
