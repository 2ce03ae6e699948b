"""Smoke tests of the mutation harness, tools/mutate_book.py.

The full harness (``make mutants``, ``make mutants-ci``) runs the chapters; here
a one-cell notebook shows that a mutant gets into a fresh kernel, that the
harness reads the failing cell, and that the un-mutated library passes.
"""

import json
import subprocess
import sys
from pathlib import Path

TOOLS = Path(__file__).resolve().parents[1] / "tools"
sys.path.insert(0, str(TOOLS))
import mutate_book  # noqa: E402

sys.path.remove(str(TOOLS))


def notebook(path, *sources):
    """A minimal nbformat-4 notebook with one code cell per source."""
    cells = [
        {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": s}
        for s in sources
    ]
    meta = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    doc = {"cells": cells, "metadata": meta, "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(doc))
    return path


def test_every_mutant_finds_what_it_replaces_and_reaches_the_dispatch():
    # a mutant whose target was renamed or moved raises in install; a mutant of
    # an algorithm must reach the public functions through the one registry
    script = (
        "import mutate_book, numpy as np\n"
        "mutate_book.install('fft_noise')\n"
        "import convcorr\n"
        "f, g = np.ones(3), np.ones(5)\n"
        "assert not np.array_equal(convcorr.convolve(f, g, method='fft'), np.convolve(f, g))\n"
        "assert np.array_equal(convcorr.convolve(f, g, method='direct'), np.convolve(f, g))\n"
        "for name in mutate_book.MUTANTS:\n"
        "    mutate_book.install(name)\n"
    )
    subprocess.run([sys.executable, "-c", script], cwd=TOOLS, check=True, timeout=300)


def test_a_mutant_fails_a_notebook_that_the_library_passes(tmp_path):
    # the first cell runs under the mutant too (real input keeps no conjugate),
    # so a failure in the second proves the kernel, the import and the mutant
    sources = [
        "import convcorr\nassert convcorr.correlate([1.0], [2.0])[0] == 2",
        "assert convcorr.correlate([1j], [1j])[0] == 1, 'conjugate dropped'",
    ]
    exec("\n".join(sources), {})  # the un-mutated library passes both cells
    result = mutate_book.run_chapter(
        notebook(tmp_path / "probe.ipynb", *sources), "correlate_noconj", 120
    )
    assert result.status == "FAIL"
    assert (result.cell, result.line) == (1, 1)
    assert "conjugate dropped" in result.error
