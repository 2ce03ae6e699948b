// Figures as a reader sees them in the current colour mode: an image dimmed by a filter or
// laid on a tinted card (not white) loses contrast; every figure links to its full-size
// image (tap to enlarge); captions are set like the body text (colour, weight, size).
(() => {
  const article = document.querySelector('article.bd-article') || document.body;
  const body = getComputedStyle(article.querySelector('p') || article);
  const problems = [];
  const links = [];
  for (const img of article.querySelectorAll('img')) {
    if (img.closest('.animation') || !img.checkVisibility()) continue;
    const s = getComputedStyle(img);
    const name = (img.getAttribute('alt') || img.getAttribute('src') || '').slice(0, 50);
    if (s.filter !== 'none') problems.push(`image dimmed by filter ${s.filter}: ${name}`);
    if (parseFloat(s.opacity) < 1) problems.push(`image at opacity ${s.opacity}: ${name}`);
    if (!['rgba(0, 0, 0, 0)', 'rgb(255, 255, 255)'].includes(s.backgroundColor)) {
      problems.push(`image on a ${s.backgroundColor} card, not white: ${name}`);
    }
    const link = img.closest('a[href]');
    if (link) links.push(link.getAttribute('href'));
    else problems.push(`image with no link to its full-size file: ${name}`);
  }
  for (const cap of article.querySelectorAll('figcaption')) {
    if (!cap.checkVisibility()) continue;
    const s = getComputedStyle(cap);
    const name = cap.textContent.trim().slice(0, 40);
    if (s.color !== body.color) problems.push(`caption in ${s.color}, body text in ${body.color}: ${name}`);
    if (parseInt(s.fontWeight, 10) < 400) problems.push(`caption in a light face (${s.fontWeight}): ${name}`);
    if (parseFloat(s.fontSize) < 0.9 * parseFloat(body.fontSize)) {
      problems.push(`caption at ${s.fontSize}, body at ${body.fontSize}: ${name}`);
    }
  }
  return {problems: problems, links: links};
})
