// Math as built: every formula typeset when the page arrives (no MathJax in the browser),
// each with its hidden MathML for screen readers, and no MathJax script on the page.
(() => {
  const problems = [];
  for (const m of document.querySelectorAll('article .math')) {
    if (!m.querySelector('mjx-container')) {
      problems.push('math not typeset: ' + m.textContent.trim().slice(0, 60));
    }
  }
  for (const c of document.querySelectorAll('mjx-container')) {
    if (!c.querySelector('mjx-assistive-mml math')) {
      problems.push('formula without MathML for screen readers');
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
