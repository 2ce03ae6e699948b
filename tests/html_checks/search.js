// The search page's results once every summary has arrived: titles and snippets as text.
(() => {
  const items = Array.from(document.querySelectorAll('#search-results ul.search li'));
  return items.map((li) => li.textContent.replace(/\s+/g, ' ').trim());
})
