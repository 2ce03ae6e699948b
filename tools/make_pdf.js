/* The whole book as one document, for tools/make_pdf.py to print.
 *
 * Runs in the book's first page (intro.html, opened from the local server): its article is
 * emptied and refilled with the articles of every page in the order of _toc.yml, each in a
 * <section class="cc-pdf-page">, after a title page and a table of contents. The pages'
 * own styles apply as on screen; _static/print.css shapes the result through the class
 * cc-pdf on <html>, which only this script sets.
 *
 * - Ids that occur on more than one page ("summary", "exercises") get the page's prefix
 *   (p3-summary); ids unique in the book (equations, figures, the cheat sheet's section)
 *   stay, so links between pages become links inside the PDF and print.css finds the
 *   cheat sheet by the same selector as on its own page.
 * - Links to files of the site that are not pages (full-size figures, notebooks) lose
 *   their href: in a PDF they would point at the local server.
 * - The animation player (convcorr.book.animation_html) becomes a grid of some of its
 *   frames, read from the player's script, with a caption per frame.
 * - Scripts are dropped (the DOMParser never runs them); images load eagerly.
 *
 * Argument: {pages: [url, ...], meta: {title, subtitle, authors, edition, licence, url,
 * source}, parts: [{caption, first}], frames: number of animation frames to show}.
 * Returns the number of pages assembled.
 */
async ({ pages, meta, parts, frames }) => {
  const docs = [];
  for (const url of pages) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    const doc = new DOMParser().parseFromString(await response.text(), "text/html");
    const article = doc.querySelector("article.bd-article");
    if (!article) throw new Error(`${url}: no article.bd-article`);
    docs.push({ url: new URL(url, location.href), article });
  }
  const pageIndex = new Map(docs.map((d, i) => [d.url.pathname, i]));

  // ids used by more than one page are prefixed with their page
  const seen = new Map();
  docs.forEach((d, i) => {
    d.article.querySelectorAll("[id]").forEach((el) => {
      const pagesOf = seen.get(el.id) || new Set();
      pagesOf.add(i);
      seen.set(el.id, pagesOf);
    });
  });
  const anchor = (i, id) => ((seen.get(id) || new Set()).size > 1 ? `p${i}-${id}` : id);

  function relink(a, base) {
    const u = new URL(a.getAttribute("href"), base);
    if (u.origin !== location.origin) return;
    const target = pageIndex.get(u.pathname);
    if (target === undefined) {
      a.removeAttribute("href");
      a.removeAttribute("target");
    } else {
      const id = decodeURIComponent(u.hash.slice(1));
      a.setAttribute("href", "#" + (id ? anchor(target, id) : `p${target}`));
      a.removeAttribute("target");
    }
  }

  function frameStrip(player, script) {
    const data = [...script.matchAll(/frames\[(\d+)\]\s*=\s*"([^"]+)"/g)]
      .sort((a, b) => a[1] - b[1])
      .map((m) => m[2].replace(/\\\n/g, ""));
    const img = player.querySelector("img");
    const shown = frames >= data.length ? data.map((_, k) => k)
      : [...Array(frames).keys()].map((j) => Math.round((j * (data.length - 1)) / (frames - 1)));
    const strip = player.ownerDocument.createElement("div");
    strip.className = "cc-pdf-frames";
    for (const k of shown) {
      const fig = player.ownerDocument.createElement("figure");
      const pic = player.ownerDocument.createElement("img");
      pic.src = data[k];
      pic.alt = `Frame ${k + 1} of ${data.length}. ${img ? img.alt : ""}`;
      const caption = player.ownerDocument.createElement("figcaption");
      caption.textContent = `frame ${k + 1} of ${data.length}`;
      fig.append(pic, caption);
      strip.append(fig);
    }
    if (!data.length) throw new Error("the animation player holds no frames");
    player.replaceWith(strip);
  }

  function prepare(d, i) {
    const scripts = [...d.article.querySelectorAll("script")].map((s) => s.textContent);
    d.article.querySelectorAll(".animation").forEach((player) => {
      const id = (player.querySelector("img[id^=_anim_img]") || {}).id || "";
      const uuid = id.replace("_anim_img", "");
      frameStrip(player, scripts.find((s) => uuid && s.includes(uuid) && s.includes("frames[")) || "");
    });
    d.article.querySelectorAll("script, a.headerlink").forEach((el) => el.remove());
    d.article.querySelectorAll("[id]").forEach((el) => { el.id = anchor(i, el.id); });
    d.article.querySelectorAll("a[href]").forEach((a) => relink(a, d.url));
    d.article.querySelectorAll("img[src]").forEach((img) => {
      img.src = new URL(img.getAttribute("src"), d.url).href;
      img.removeAttribute("loading");
    });
  }

  function heading(h, href) {
    const link = document.createElement("a");
    link.href = href;
    h.childNodes.forEach((n) => link.appendChild(document.importNode(n, true)));
    link.querySelectorAll("a.headerlink").forEach((e) => e.remove());
    link.querySelectorAll("[id]").forEach((e) => e.removeAttribute("id"));
    return link;
  }

  function tocEntry(level, h, href) {
    const li = document.createElement("li");
    li.className = `cc-pdf-toc-${level}`;
    const page = document.createElement("span");
    page.className = "cc-pdf-toc-page";
    page.dataset.target = href.slice(1);
    page.textContent = "000";
    const leader = document.createElement("span");
    leader.className = "cc-pdf-toc-leader";
    li.append(heading(h, href), leader, page);
    return li;
  }

  function titlePage() {
    const section = document.createElement("section");
    section.className = "cc-pdf-title";
    const add = (tag, cls, text) => {
      const el = document.createElement(tag);
      el.className = cls;
      el.textContent = text;
      section.append(el);
      return el;
    };
    add("p", "cc-pdf-book-title", meta.title);
    add("p", "cc-pdf-subtitle", meta.subtitle);
    add("p", "cc-pdf-authors", meta.authors);
    add("p", "cc-pdf-edition", `Edition ${meta.edition}`);
    const notes = document.createElement("div");
    notes.className = "cc-pdf-notes";
    for (const line of [meta.licence, `Read online: ${meta.url}`, `Source: ${meta.source}`]) {
      const p = document.createElement("p");
      p.textContent = line;
      notes.append(p);
    }
    section.append(notes);
    return section;
  }

  function contents(sections) {
    const nav = document.createElement("nav");
    nav.className = "cc-pdf-toc";
    nav.setAttribute("aria-label", "Contents");
    const title = document.createElement("p");
    title.className = "cc-pdf-toc-title";
    title.textContent = "Contents";
    const list = document.createElement("ol");
    sections.forEach((section, i) => {
      const part = parts.find((p) => p.first === i);
      if (part) {
        const li = document.createElement("li");
        li.className = "cc-pdf-toc-part";
        li.textContent = part.caption;
        list.append(li);
      }
      const h1 = section.querySelector("h1");
      if (h1) list.append(tocEntry("chapter", h1, `#p${i}`));
      section.querySelectorAll(":scope > section > section > h2").forEach((h2) => {
        // a section print.css leaves out (the cheat sheet's checks) has no page
        if (h2.getClientRects().length) list.append(tocEntry("section", h2, "#" + h2.parentElement.id));
      });
    });
    nav.append(title, list);
    return nav;
  }

  docs.forEach(prepare);
  const sections = docs.map((d, i) => {
    const section = document.createElement("section");
    section.className = "cc-pdf-page";
    section.id = `p${i}`;
    d.article.childNodes.forEach((n) => section.appendChild(document.importNode(n, true)));
    return section;
  });
  const article = document.querySelector("article.bd-article");
  article.replaceChildren(...sections);
  article.prepend(titlePage(), contents(sections));
  document.documentElement.classList.add("cc-pdf");
  document.title = meta.title;

  // every image loaded and every font the new content uses in place before printing
  document.body.getBoundingClientRect();
  await Promise.all([...document.images].map((img) => img.decode().catch(() => {
    throw new Error(`image did not load: ${img.src.slice(0, 120)}`);
  })));
  await document.fonts.ready;
  return sections.length;
}
