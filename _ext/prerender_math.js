// Typesets the math of built HTML pages once, at build time, with MathJax 3 (CommonHTML
// output), so that a page loads no MathJax: no 1.2 MB script to download and no
// typesetting on the reader's device (it was 90 % of the browser checks' CPU).
//
//   node _ext/prerender_math.js CONFIG.json PAGE.html...
//
// CONFIG.json is written by _ext/offline_book.py from Sphinx's `mathjax3_config`:
//   {"tex": {...}, "options": {...}, "fontURLs": {"PAGE.html": "../_static/mathjax-fonts"}}
// MathJax finds the math exactly as it would in the browser: the same TeX delimiters and
// the same processHtmlClass / ignoreHtmlClass rules (MyST marks the prose
// `mathjax_ignore`, and Sphinx's `.math` elements, notebook outputs and `html_table`'s
// `mathjax_process` wrapper are processed). Each formula keeps a hidden MathML copy for
// screen readers (MathJax's assistive MathML) and the page gets the stylesheet of exactly
// the glyphs it uses; the fonts are files in _static, loaded only when used.
//
// A TeX error fails the run (exit 1) with the page and the formula: in the browser it
// would show as red text that nobody is told about. Pages that carry no math are left
// untouched; a page already typeset (it has MathJax's stylesheet) is skipped.
"use strict";

const fs = require("fs");
const { JSDOM } = require("jsdom");
const { mathjax } = require("mathjax-full/js/mathjax.js");
const { TeX } = require("mathjax-full/js/input/tex.js");
const { CHTML } = require("mathjax-full/js/output/chtml.js");
const { jsdomAdaptor } = require("mathjax-full/js/adaptors/jsdomAdaptor.js");
const { RegisterHTMLHandler } = require("mathjax-full/js/handlers/html.js");
const { AssistiveMmlHandler } = require("mathjax-full/js/a11y/assistive-mml.js");
const { AllPackages } = require("mathjax-full/js/input/tex/AllPackages.js");

// Errors must surface, not be drawn in red (noerrors, noundefined); bussproofs is unused
// and wants a second typesetting pass.
const PACKAGES = AllPackages.filter(
  (p) => !["noerrors", "noundefined", "bussproofs"].includes(p),
);

const adaptor = jsdomAdaptor(JSDOM, { fontSize: 16 });
AssistiveMmlHandler(RegisterHTMLHandler(adaptor));

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

function typeset(path, config) {
  const source = fs.readFileSync(path, "utf8");
  if (source.includes('id="MJX-CHTML-styles"')) return { count: 0, errors: [] };
  const tex = new TeX({ ...(config.tex || {}), packages: PACKAGES });
  const chtml = new CHTML({ fontURL: config.fontURLs[path], adaptiveCSS: true });
  const doc = mathjax.document(source, {
    ...(config.options || {}),
    InputJax: tex,
    OutputJax: chtml,
  });
  doc.render();
  const items = Array.from(doc.math);
  const errors = texErrors(items);
  if (items.length && !errors.length) {
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
  console.log(`MathJax typeset ${total} formulas in ${argv.length - 1} pages`);
  process.exitCode = failed ? 1 : 0;
}

main(process.argv.slice(2));
