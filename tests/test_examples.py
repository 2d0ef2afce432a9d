"""The samples that reproduce real filed forms (tests/data/examples/NAME.txt, copies of the
forms in the shared examples) print their words, in order, and end where the copies end."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_render import words_in_order

import certgen
from conftest import DATA, ROOT, pdf_text, words

EXAMPLES = sorted((DATA / "examples").glob("*.txt"))


def example_words(path: Path) -> list[str]:
    """The words of a filed form: the text after the header's ``---`` line, without the
    exhibit's own title ("FORM OF 7.50% NOTES DUE 2011"), which is not part of the certificate."""
    text = path.read_text(encoding="utf-8").split("\n---\n", 1)[1]
    text = re.sub(r"\A\s*FORM OF [^\n]*\n", "", text)
    return words(text)


@pytest.fixture(scope="module", params=EXAMPLES, ids=[p.stem for p in EXAMPLES])
def example(request: pytest.FixtureRequest) -> tuple[Path, str]:
    path: Path = request.param
    spec = ROOT / "samples" / path.stem / "spec.yaml"
    assert spec.exists(), f"samples/{path.stem}/spec.yaml reproduces {path.name}"
    return path, " ".join(pdf_text(certgen.render(spec)))


def test_rendering_has_the_words_of_the_filed_form_in_order(example: tuple[Path, str]) -> None:
    path, text = example
    expected = example_words(path)
    assert len(expected) > 200
    ratio = words_in_order(expected, words(text)) / len(expected)
    assert ratio >= 0.97, f"{path.stem}: only {ratio:.1%} of the filed form's words, in order"


def test_rendering_ends_where_the_copy_ends(example: tuple[Path, str]) -> None:
    """The copies are cut off: the reproduction ends with the copy's last words and an ellipsis."""
    path, text = example
    last = " ".join(example_words(path)[-3:])
    flat = " ".join(words(text))
    assert last in flat
    tail = " ".join(text.split())
    assert "…" in tail
    # Nothing of the filed form's text follows the ellipsis: no invented legal text.
    after = tail.split("…", 1)[1]
    assert not any(w in words(after) for w in ("guaranteed", "attorney", "witness", "signature", "trustee"))


def test_verbatim_spelling_of_the_originals_is_kept() -> None:
    text = " ".join(
        " ".join(pdf_text(certgen.render(ROOT / "samples/supportsoft-common-reverse/spec.yaml"))).split()
    )
    assert "according to aplicable laws or regulations" in text
    assert "may also be used though no in the above list" in text
    assert "sell(s), assigns(s) and transfer(s) unto" in text


def test_cenex_specimen_has_no_transfer_agent_and_a_witness_line() -> None:
    face, reverse = (
        " ".join(t.split()) for t in pdf_text(certgen.render(ROOT / "samples/cenex-coop-preferred/spec.yaml"))
    )
    assert "SPECIMEN" in face and "COUNTERSIGNED" not in face.upper()
    assert "In presence of" in reverse and "NOTICE. THE SIGNATURE OF THIS ASSIGNMENT" in reverse
    assert "TEN COM" not in reverse  # the form has no abbreviations table
