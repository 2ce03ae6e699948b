"""Bibliography labels that read like the citations: "Mao 2021", "Wikipedia contributors 2024a".

sphinxcontrib-bibtex's defaults gave two different faces to one source: the text cited
"[Wikipedia contributors, 2024]" (twice the same label for two pages) while the list showed
squashed keys such as "[Wikipediacontributors24a]", and organisations (braced names) sorted
after every person, because "{" sorts after the letters. This pybtex style gives each entry one
author-year label, made distinct by a letter where authors and year coincide; the book cites
with ``bibtex_reference_style: label``, so text and list show the same label. Entries are sorted
by that label (braces and a leading "The" ignored), then by title.
"""

import re
from collections import Counter, defaultdict

from pybtex.plugin import register_plugin
from pybtex.richtext import Text
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.sorting import BaseSortingStyle

STYLE_NAME = "convcorr_author_year"


def _plain(latex):
    # "{Data Science Stack Exchange}" -> "Data Science Stack Exchange"; "L{\'e}on" -> "Léon".
    return Text.from_latex(latex).render_as("text").strip()


def _authors(entry):
    persons = entry.persons.get("author") or entry.persons.get("editor") or []
    names = [_plain(" ".join(p.prelast_names + p.last_names)) for p in persons]
    if not names:
        return _plain(entry.fields.get("title", entry.key))
    if len(names) > 2 or names[-1] == "others":
        return f"{names[0]} et al."
    return " and ".join(names)


def _base_label(entry):
    return f"{_authors(entry)} {entry.fields.get('year', 'n.d.')}"


def _sort_key(entry):
    author = re.sub(r"^the\s+", "", _authors(entry).lower())
    return (author, entry.fields.get("year", ""), _plain(entry.fields.get("title", "")).lower())


class AuthorYearLabels(BaseLabelStyle):
    """``Author Year``, ``A and B Year`` or ``A et al. Year``; a, b, ... where two coincide."""

    def format_labels(self, sorted_entries):
        labels = [_base_label(e) for e in sorted_entries]
        counts = Counter(labels)
        seen = defaultdict(int)
        for label in labels:
            if counts[label] > 1:
                seen[label] += 1
                yield label + "abcdefghijklmnopqrstuvwxyz"[seen[label] - 1]
            else:
                yield label


class AuthorYearSorting(BaseSortingStyle):
    """Sorted by author (braces and a leading "The" ignored), year, then title."""

    def sorting_key(self, entry):
        return _sort_key(entry)


class AuthorYearStyle(UnsrtStyle):
    default_label_style = AuthorYearLabels
    default_sorting_style = AuthorYearSorting


def setup(app):
    register_plugin("pybtex.style.formatting", STYLE_NAME, AuthorYearStyle)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
