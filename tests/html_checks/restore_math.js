(() => {
  for (const {m, container, inside, beside} of window.__ccHollowed || []) {
    m.replaceChildren(...inside);
    container.replaceChildren(...beside);
  }
  window.__ccHollowed = [];
})
