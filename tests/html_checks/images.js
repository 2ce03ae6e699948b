(() => Array.from(document.querySelectorAll('article.bd-article img')).map(i => {
  const r = i.getBoundingClientRect();
  return {src: (i.getAttribute('src') || '').slice(0, 80), alt: i.getAttribute('alt'),
          natural: i.naturalWidth, shown: r.width, loaded: i.complete && i.naturalWidth > 0,
          aspect: i.naturalHeight ? i.naturalWidth / i.naturalHeight : 0,
          shownAspect: r.height ? r.width / r.height : 0};
}))
