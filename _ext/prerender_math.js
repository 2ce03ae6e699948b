// Typesets the math of built HTML pages once, at build time, as native MathML: MathJax 3
// parses the TeX (the same macros, packages and errors as in a browser) and the page gets
// the MathML, which Chromium, Firefox and Safari lay out themselves (MathML Core) with the
// book's math font. A page loads no MathJax and no MathJax fonts, and one copy of each
// formula serves both the eye and screen readers (MathJax's CommonHTML output carried a
// second, hidden MathML copy for them; on chapter 2 the two were 824 KB of a 1.15 MB page).
//
//   node _ext/prerender_math.js CONFIG.json PAGE.html...
//
// CONFIG.json is written by _ext/book_math.py from Sphinx's `mathjax3_config`:
//   {"tex": {...}, "options": {...}}
// MathJax finds the math exactly as it would in the browser: the same TeX delimiters and
// the same processHtmlClass / ignoreHtmlClass rules (MyST marks the prose
// `mathjax_ignore`, and Sphinx's `.math` elements, notebook outputs and `html_table`'s
// `mathjax_process` wrapper are processed). Each formula becomes
// `<mjx-container [display="true"]><math>…</math></mjx-container>`: the container is the
// box the book's stylesheet and scripts style (a wide display scrolls inside it).
//
// MathJax writes MathML 3; browsers implement MathML Core, which ignores a few of its
// attributes. `coreMathML` turns those into what Core does draw (see each function).
//
// A TeX error fails the run (exit 1) with the page and the formula: in the browser it
// would show as red text that nobody is told about. Pages that carry no math are left
// untouched; a page already typeset (its formulas are in MathML) is skipped.
"use strict";

const fs = require("fs");
const { JSDOM } = require("jsdom");
const { mathjax } = require("mathjax-full/js/mathjax.js");
const { TeX } = require("mathjax-full/js/input/tex.js");
const { jsdomAdaptor } = require("mathjax-full/js/adaptors/jsdomAdaptor.js");
const { RegisterHTMLHandler } = require("mathjax-full/js/handlers/html.js");
const { AllPackages } = require("mathjax-full/js/input/tex/AllPackages.js");
const { CHTML } = require("mathjax-full/js/output/chtml.js");
const { SerializedMmlVisitor } = require("mathjax-full/js/core/MmlTree/SerializedMmlVisitor.js");

// Errors must surface, not be drawn in red (noerrors, noundefined); bussproofs is unused
// and needs an output jax that measures boxes.
const PACKAGES = AllPackages.filter(
  (p) => !["noerrors", "noundefined", "bussproofs"].includes(p),
);

const adaptor = jsdomAdaptor(JSDOM);
RegisterHTMLHandler(adaptor);
const serializer = new SerializedMmlVisitor();

// ---- TeX's spacing, written out ------------------------------------------------------
// Core spaces an operator by its dictionary entry and its place in the row (first, middle,
// last): "(" in the middle of f(t) got 0.28 em on each side, a unary minus after "=" the
// space of a binary one, a comma in a subscript a full space. MathJax's CommonHTML output
// spaces atoms by TeX's rules instead (the class of each atom and of the one before it:
// MmlNode.texSpacing, used as CommonWrapper.getTeXSpacing does). Here those spaces are
// written into the MathML: every operator gets lspace and rspace (0 unless TeX puts a
// space there), and any other atom TeX spaces gets an mspace before it (data-cc-before,
// made an element in `spaces`).

const NAMED_SPACE = {
  veryverythinmathspace: "0.056em",
  verythinmathspace: "0.111em",
  thinmathspace: "0.167em",
  mediummathspace: "0.222em",
  thickmathspace: "0.278em",
  verythickmathspace: "0.333em",
  veryverythickmathspace: "0.389em",
};

function em(length) {
  // Core has no named spaces
  return NAMED_SPACE[length] || String(length || "0");
}

function topEmbellished(node) {
  return node.isEmbellished && !(node.parent && node.parent.isEmbellished);
}

function texSpaces(root) {
  root.setTeXclass(null);
  const found = [];
  root.walkTree((node) => {
    if (node.isKind("text") || node.isInferred || node === root) return;
    const explicit = node.hasSpacingAttributes();
    let before = explicit ? "" : node.texSpacing();
    let after = "";
    if (topEmbellished(node) || explicit) {
      const attributes = node.coreMO().attributes;
      if (attributes.isSet("lspace")) before = attributes.get("lspace");
      if (attributes.isSet("rspace")) after = attributes.get("rspace");
    }
    found.push([node, em(before), em(after)]);
  });
  // set only now: explicit spacing attributes change what texSpacing() answers
  for (const [node, before, after] of found) {
    if (node.isKind("mo")) {
      node.attributes.set("lspace", before);
      node.attributes.set("rspace", after);
    } else {
      if (before !== "0") node.attributes.set("data-cc-before", before);
      if (after !== "0") node.attributes.set("data-cc-after", after);
    }
  }
}

function spaces(el) {
  for (const [name, where] of [["data-cc-before", "before"], ["data-cc-after", "after"]]) {
    const width = el.getAttribute(name);
    if (width === null) continue;
    const space = el.ownerDocument.createElementNS(el.namespaceURI, "mspace");
    space.setAttribute("width", width);
    el[where](space);
    el.removeAttribute(name);
  }
}

// ---- What MathJax's layout knows -------------------------------------------------------
// MathJax lays each formula out with its TeX font metrics (its CommonHTML wrappers, which
// measure here and draw nothing). What Core does otherwise is marked from it:
// - Core gives a stretchy operator the width of its widest size variant, whatever size it
//   is drawn at: the parentheses of \left( \tau \right) stood a space away from what
//   they enclose. Delimiters TeX leaves at their natural size are made not stretchy.
// - Core centres an accent over its letter; TeX moves it by the letter's skew (the bar of
//   \bar f sits over the right of the slanted f). The accent gets that shift.
// - TeX's aligned rows are at least a strut high (MathJax: mjx-tstrut, 0.75 em above the
//   baseline, 0.25 em below); in Core a row of short symbols was as low as its glyphs,
//   and a derivation's grey comments touched the line above.
// - Display integrals: Chromium leaves a gap after their limits (see displayIntegral).
// - \overline: Core stretched the bar over part of "f * g"; it becomes a rule (a border).

function mark(node, name, value) {
  // a data- attribute, turned into Core markup by layoutMarks once the MathML is a DOM
  node.attributes.set(name, value);
}

function measuredLayout(chtml, doc, item) {
  chtml.setDocument(doc);
  chtml.math = item;
  item.root.setTeXclass(null);
  chtml.nodeMap = new Map();
  chtml.factory.wrap(item.root).getOuterBBox();
  item.root.walkTree((node) => {
    const wrapper = node.isKind("text") ? null : chtml.nodeMap.get(node);
    if (!wrapper) return;
    // DIRECTION.Vertical is 1; size 0 (or never asked to stretch): the glyph as it is
    if (node.isKind("mo") && wrapper.stretch.dir === 1 && !wrapper.size) {
      node.attributes.set("stretchy", false);
    }
    if (node.isKind("mover") || node.isKind("munderover")) {
      if (wrapper.isLineAbove) {
        mark(node, "data-cc-overline", "true");
      } else if (node.attributes.get("accent")) {
        const delta = wrapper.getDelta();
        if (Math.abs(delta) > 0.01) mark(node.childNodes[node.over], "data-cc-shift", delta);
      }
    }
    if ((node.isKind("msub") || node.isKind("msubsup")) && displayIntegral(node)) {
      mark(node, "data-cc-trim", "true");
    }
    if (node.isKind("mtd") && node.parent.parent.getProperty("useHeight")) {
      mark(node, "data-cc-strut", "true");
    }
  });
  chtml.nodeMap = null;
}

// Chromium sets the lower limit of a display integral back under its slant (by the
// glyph's italic correction) but still adds that correction to the width, which left a
// gap of 0.6 em before the integrand. 0.591 em: Latin Modern Math's italic correction of
// its display integral (integral.v1 in the font's MATH table).
const INTEGRALS = /^[\u222b-\u2233\u2a0b-\u2a1c]$/;
const DISPLAY_INTEGRAL_IC = "0.591em";

function displayIntegral(node) {
  const base = node.childNodes[node.base];
  return (
    base.isKind("mo") &&
    INTEGRALS.test(base.getText()) &&
    base.attributes.get("largeop") &&
    base.attributes.get("displaystyle")
  );
}

function addStyle(el, style) {
  const old = el.getAttribute("style");
  el.setAttribute("style", old ? `${old};${style}` : style);
}

function layoutMarks(el) {
  const doc = el.ownerDocument;
  const shift = el.getAttribute("data-cc-shift");
  if (shift !== null) addStyle(el, `transform:translateX(${+(+shift).toFixed(3)}em)`);
  if (el.getAttribute("data-cc-trim") !== null) {
    addStyle(el, `margin-right:-${DISPLAY_INTEGRAL_IC}`);
  }
  if (el.getAttribute("data-cc-strut") !== null) {
    const strut = doc.createElementNS(el.namespaceURI, "mspace");
    strut.setAttribute("height", "0.75em");
    strut.setAttribute("depth", "0.25em");
    el.prepend(strut);
  }
  if (el.getAttribute("data-cc-overline") !== null) {
    const row = doc.createElementNS(el.namespaceURI, "mrow");
    row.setAttribute("style", "border-top:0.06em solid;padding-top:0.12em");
    row.append(el.children[0]);
    el.replaceWith(row);
  }
  for (const name of ["data-cc-shift", "data-cc-trim", "data-cc-strut", "data-cc-overline"]) {
    el.removeAttribute(name);
  }
}

// ---- MathML 3 as MathJax writes it -> MathML Core ----------------------------------------

const TOKENS = new Set(["mi", "mn", "mo", "mtext", "ms"]);
// Attributes only MathJax's own output reads.
const MATHJAX_ONLY = [
  "data-mjx-texclass",
  "data-mjx-auto-op",
  "data-mjx-alternate",
  "data-mjx-smallmatrix",
  "data-mjx-variant",
  "xmlns",
];

// Core draws mathvariant="normal" only: the other variants are characters of Unicode's
// Mathematical Alphanumeric Symbols. Per variant: the first capital, small letter and digit,
// and the letters that sit in the older Letterlike Symbols block instead.
const ALPHANUMERIC = {
  bold: { A: 0x1d400, a: 0x1d41a, 0: 0x1d7ce },
  italic: { A: 0x1d434, a: 0x1d44e, h: 0x210e },
  "bold-italic": { A: 0x1d468, a: 0x1d482 },
  script: {
    A: 0x1d49c, a: 0x1d4b6,
    B: 0x212c, E: 0x2130, F: 0x2131, H: 0x210b, I: 0x2110, L: 0x2112, M: 0x2133,
    R: 0x211b, e: 0x212f, g: 0x210a, o: 0x2134,
  },
  "bold-script": { A: 0x1d4d0, a: 0x1d4ea },
  fraktur: {
    A: 0x1d504, a: 0x1d51e, C: 0x212d, H: 0x210c, I: 0x2111, R: 0x211c, Z: 0x2128,
  },
  "double-struck": {
    A: 0x1d538, a: 0x1d552, 0: 0x1d7d8,
    C: 0x2102, H: 0x210d, N: 0x2115, P: 0x2119, Q: 0x211a, R: 0x211d, Z: 0x2124,
  },
  "sans-serif": { A: 0x1d5a0, a: 0x1d5ba, 0: 0x1d7e2 },
  "bold-sans-serif": { A: 0x1d5d4, a: 0x1d5ee, 0: 0x1d7ec },
  monospace: { A: 0x1d670, a: 0x1d68a, 0: 0x1d7f6 },
};
// Text (mtext) in a variant keeps its characters and gets the style instead.
const TEXT_STYLE = {
  bold: "font-weight:bold",
  italic: "font-style:italic",
  "bold-italic": "font-weight:bold;font-style:italic",
  monospace: "font-family:var(--pst-font-family-monospace)",
  "sans-serif": "font-family:var(--pst-font-family-base)",
};

function styledChar(ch, variant) {
  const table = ALPHANUMERIC[variant];
  if (table[ch] !== undefined) return String.fromCodePoint(table[ch]);
  for (const [first, last] of [["A", "Z"], ["a", "z"], ["0", "9"]]) {
    if (ch >= first && ch <= last && table[first] !== undefined) {
      return String.fromCodePoint(table[first] + ch.charCodeAt(0) - first.charCodeAt(0));
    }
  }
  return null;
}

function mathvariant(el) {
  const variant = el.getAttribute("mathvariant");
  if (!variant || variant === "normal") return;
  el.removeAttribute("mathvariant");
  if (el.localName === "mtext" && TEXT_STYLE[variant]) {
    el.setAttribute("style", TEXT_STYLE[variant]);
    return;
  }
  const text = el.textContent;
  const chars = Array.from(text, (ch) => (ALPHANUMERIC[variant] ? styledChar(ch, variant) : null));
  if (chars.includes(null)) {
    throw new Error(`no ${variant} form of ${JSON.stringify(text)} in MathML Core`);
  }
  el.textContent = chars.join("");
}

// A number of an attribute list (MathML repeats the last value for the rest).
function nth(list, i) {
  return list[Math.min(i, list.length - 1)];
}

function half(length) {
  const m = /^(-?[\d.]+)([a-z%]*)$/.exec(length);
  if (!m) throw new Error(`cannot halve the table spacing ${JSON.stringify(length)}`);
  const value = parseFloat(m[1]) / 2;
  return value === 0 ? "0" : `${+value.toFixed(4)}${m[2]}`;
}

// Chromium lays an mtable out as a CSS table and ignores columnalign, rowspacing and
// columnspacing: TeX's aligned columns (right, left, right, ...) came out centred and its
// row gaps (\jot) as the browser's default cell padding. Each cell gets them as style.
// A cell's formula is a block in the cell: text-align: right moved it nowhere (and
// `center` sent it left), the -webkit- values align blocks. Firefox reads columnalign,
// which stays on the table.
function table(mt) {
  const aligns = (mt.getAttribute("columnalign") || "center").trim().split(/\s+/);
  const rowGaps = (mt.getAttribute("rowspacing") || "1.0ex").trim().split(/\s+/);
  const colGaps = (mt.getAttribute("columnspacing") || "0.8em").trim().split(/\s+/);
  const rows = Array.from(mt.children).filter((r) => r.localName === "mtr");
  rows.forEach((row, i) => {
    const cells = Array.from(row.children).filter((c) => c.localName === "mtd");
    const rowAlign = row.getAttribute("columnalign");
    cells.forEach((cell, j) => {
      const own = cell.getAttribute("columnalign");
      const align = own || (rowAlign ? nth(rowAlign.split(/\s+/), j) : nth(aligns, j));
      const top = i > 0 ? half(nth(rowGaps, i - 1)) : "0";
      const bottom = i < rows.length - 1 ? half(nth(rowGaps, i)) : "0";
      const left = j > 0 ? half(nth(colGaps, j - 1)) : "0";
      const right = j < cells.length - 1 ? half(nth(colGaps, j)) : "0";
      const style = [`padding:${top} ${right} ${bottom} ${left}`];
      if (align !== "center") style.push(`text-align:-webkit-${align}`);
      cell.setAttribute("style", style.join(";"));
      cell.removeAttribute("columnalign");
    });
    row.removeAttribute("columnalign");
  });
  for (const name of ["rowspacing", "columnspacing"]) mt.removeAttribute(name);
}

// An accent's mo says accent="true"; Core reads it from the mover / munder only, and set
// it as a limit, high above the letter (a hat or bar floating a line above f).
function accent(el) {
  const script = el.children[1];
  if (script && script.localName === "mo" && script.getAttribute("accent") === "true") {
    el.setAttribute(el.localName === "munder" ? "accentunder" : "accent", "true");
    script.removeAttribute("accent");
  }
}

// The math font's prime (U+2032) is already a small raised stroke; MathJax sets it as a
// superscript (and swaps in its own glyph), which in the font raised it twice over.
function prime(el) {
  const script = el.children[1];
  if (script && script.localName === "mo" && /^[\u2032-\u2034\u2057]$/.test(script.textContent)) {
    const doc = el.ownerDocument;
    const row = doc.createElementNS(el.namespaceURI, "mrow");
    row.append(el.children[0], script);
    el.replaceWith(row);
  }
}

function compact(el) {
  // MathJax's indentation between elements: no text of the formula, only bytes
  if (TOKENS.has(el.localName)) return;
  for (const node of Array.from(el.childNodes)) {
    if (node.nodeType === 3 && !node.nodeValue.trim()) node.remove();
  }
}

function coreMathML(math) {
  const all = [math, ...math.querySelectorAll("*")];
  for (const el of all) {
    compact(el);
    if (el.hasAttribute("mathvariant")) mathvariant(el);
    if (el.localName === "mtable") table(el);
    if (el.localName === "mover" || el.localName === "munder") accent(el);
    spaces(el);
  }
  for (const el of Array.from(math.querySelectorAll("*"))) layoutMarks(el);
  for (const el of Array.from(math.querySelectorAll("msup"))) prime(el);
  for (const el of [math, ...math.querySelectorAll("*")]) {
    for (const name of MATHJAX_ONLY) el.removeAttribute(name);
  }
}

// ---- pages ----------------------------------------------------------------------------

function texErrors(items) {
  const errors = [];
  for (const item of items) {
    item.root.walkTree((node) => {
      if (node.isKind("merror")) {
        const message = node.attributes.get("data-mjx-error") || "TeX error";
        errors.push(`${message}: ${String(item.math).slice(0, 120)}`);
      }
    });
  }
  return errors;
}

function container(page, item) {
  const box = page.createElement("mjx-container");
  if (item.display) box.setAttribute("display", "true");
  texSpaces(item.root);
  const template = page.createElement("template");
  template.innerHTML = serializer.visitTree(item.root, page);
  const math = template.content.firstElementChild;
  coreMathML(math);
  box.append(math);
  return box;
}

function typeset(path, config) {
  const source = fs.readFileSync(path, "utf8");
  if (/<mjx-container[^>]*>\s*<math/.test(source)) return { count: 0, errors: [] };
  const tex = new TeX({ ...(config.tex || {}), packages: PACKAGES });
  // CommonHTML only measures (measuredLayout); it draws nothing on the page
  const chtml = new CHTML();
  const doc = mathjax.document(source, {
    ...(config.options || {}),
    InputJax: tex,
    OutputJax: chtml,
  });
  doc.findMath();
  doc.compile();
  doc.getMetrics();
  const items = Array.from(doc.math);
  const errors = texErrors(items);
  if (items.length && !errors.length) {
    for (const item of items) {
      try {
        measuredLayout(chtml, doc, item);
        item.typesetRoot = container(doc.document, item);
      } catch (e) {
        errors.push(`${e.message}: ${String(item.math).slice(0, 120)}`);
      }
    }
  }
  if (items.length && !errors.length) {
    // item by item: the document's own update would add CommonHTML's stylesheet
    for (const item of items.reverse()) item.updateDocument(doc);
    const page = doc.document;
    fs.writeFileSync(path, `${adaptor.doctype(page)}\n${adaptor.outerHTML(adaptor.root(page))}\n`);
  }
  return { count: items.length, errors: errors };
}

function main(argv) {
  const config = JSON.parse(fs.readFileSync(argv[0], "utf8"));
  let failed = false;
  let total = 0;
  for (const path of argv.slice(1)) {
    const { count, errors } = typeset(path, config);
    total += count;
    for (const e of errors) {
      console.error(`${path}: ${e}`);
      failed = true;
    }
  }
  console.log(`MathJax typeset ${total} formulas in ${argv.length - 1} pages as MathML`);
  process.exitCode = failed ? 1 : 0;
}

main(process.argv.slice(2));
