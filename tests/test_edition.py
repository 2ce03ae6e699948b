"""The edition is one number everywhere, and the licences ship with the book and the package.

``convcorr.__version__`` is the source: ``pyproject.toml`` reads it, and the citation file,
the changelog's top entry and every page's footer must say the same.
"""

import re
import tomllib
from pathlib import Path

import pytest
import yaml

import convcorr

ROOT = Path(__file__).resolve().parents[1]


def test_pyproject_reads_the_version_from_the_package():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["dynamic"] == ["version"]
    attr = project["tool"]["setuptools"]["dynamic"]["version"]["attr"]
    assert attr == "convcorr.__version__"
    assert re.fullmatch(r"\d+\.\d+\.\d+", convcorr.__version__)


def test_citation_and_changelog_name_this_edition():
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert citation["version"] == convcorr.__version__
    top = re.search(r"^## (\S+) — (\S+)$", (ROOT / "CHANGELOG.md").read_text(), re.M)
    assert top, "CHANGELOG.md must start its entries with '## X.Y.Z — YYYY-MM-DD'"
    assert top[1] == convcorr.__version__
    assert str(citation["date-released"]) == top[2]


def test_licences_are_declared_and_present():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "MIT"
    assert project["license-files"] == ["LICENSE"]
    assert "MIT License" in (ROOT / "LICENSE").read_text()
    text = (ROOT / "LICENSE-text").read_text()
    assert "Creative Commons Attribution 4.0 International" in text
    assert "Creative Commons may be contacted at creativecommons.org." in text


@pytest.mark.browser
def test_every_page_footer_states_edition_and_licences():
    html = ROOT / "_build" / "html"
    index = html / "searchindex.js"
    if not index.is_file():
        pytest.fail("no built book in _build/html: run `make book` first")
    # the documents of this build (not pages a renamed chapter left behind), and search
    names = re.findall(r'"([^"]+)"', re.search(r'"docnames":\s*\[(.*?)\]', index.read_text())[1])
    pages = [html / f"{name}.html" for name in names] + [html / "search.html"]
    assert len(pages) > 10
    for page in pages:
        footer = re.search(r'<p class="cc-edition">(.*?)</p>', page.read_text(encoding="utf-8"))
        assert footer, f"{page.name}: no edition footer"
        assert f"Edition {convcorr.__version__}." in footer[1], page.name
        assert "https://creativecommons.org/licenses/by/4.0/" in footer[1], page.name
        assert "MIT" in footer[1], page.name
