(() => {
  for (const {container, beside} of window.__ccHollowed || []) {
    container.replaceChildren(...beside);
  }
  window.__ccHollowed = [];
})
