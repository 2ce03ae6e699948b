// Text the reader sees, split into prose and printed outputs; code sources are left out.
(() => {
  const article = document.querySelector('article.bd-article') || document.body;
  const prose = article.cloneNode(true);
  prose.querySelectorAll('.cell_input, .cell_output, pre, code, script, style, mjx-container,'
    + ' .MathJax, mjx-assistive-mml, .headerlink').forEach(e => e.remove());
  const outputs = Array.from(article.querySelectorAll('.cell_output')).map(o => {
    const c = o.cloneNode(true);
    c.querySelectorAll('script, style, mjx-container, code').forEach(e => e.remove());
    return c.textContent;
  });
  return {prose: prose.textContent, output: outputs.join('\n')};
})
