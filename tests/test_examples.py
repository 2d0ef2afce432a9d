"""The samples that reproduce real filed forms (tests/data/examples/NAME.txt, copies of the
forms in the shared examples) print their words, in order, and end where the copies end."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import certgen
from conftest import DATA, ROOT, pdf_text, words

EXAMPLES = sorted((DATA / "examples").glob("*.txt"))


def _recall_words(text: str) -> list[str]:
    """Words as ../shared/tools/recall.py counts them (upper case, digits, inner . and ')."""
    text = text.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.findall(r"[A-Z0-9]+(?:['.][A-Z0-9]+)*", text.upper())


def reference_text(path: Path) -> str:
    """A filed form's text as the team's measure reads it (recall.py --skip-header
    --strip-artefacts --skip-form-title): after the header's ``---`` line, without the filing's
    own marks (exhibit header lines such as ``EX-4.1 ...`` and ``Exhibit 4.1``, placeholders such
    as ``[SEAL]`` or ``[LOGO]``) and without a first line ``FORM OF ...``.  One departure: a copy
    flattened into a single line that begins with the EDGAR header (``EX-4.1 4 0004.txt ...
    EXHIBIT 4.1 ...``) loses only that header, not the whole form."""
    text = path.read_text(encoding="utf-8").split("\n---\n", 1)[1]
    kept = []
    for line in text.split("\n"):
        if re.match(r"\s*(EX-\d|EXHIBIT\s+[\dA-Z(.]+\s*$|Exhibit\s+[\dA-Z(.]+\s*$)", line):
            flattened = re.match(r"\s*EX-\d.*?\bEXHIBIT\s+[\d.]+\s+(.*)", line, flags=re.I)
            if flattened and len(line.split()) > 40:
                kept.append(flattened.group(1))
            continue
        kept.append(line)
    text = "\n".join(kept)
    text = re.sub(r"\[[^\]]*\b(SEAL|LOGO|GRAPHIC|FRONT|BACK|FACE|REVERSE)\b[^\]]*\]", " ", text, flags=re.I)
    lines = text.lstrip().split("\n", 1)
    if lines[0].upper().startswith("FORM OF") and len(lines) > 1:
        text = lines[1]
    return text


def recall(reference: str, pdf: bytes) -> float:
    """The share of the reference's words that the PDF's text (pypdf) has, in the same order."""
    import difflib
    import io

    import pypdf

    got = "\n".join((page.extract_text() or "") for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    a, b = _recall_words(reference), _recall_words(got)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / max(len(a), 1)


def example_words(path: Path) -> list[str]:
    """The words of a filed form, as :func:`reference_text` gives it."""
    return words(reference_text(path))


@pytest.fixture(scope="module", params=EXAMPLES, ids=[p.stem for p in EXAMPLES])
def example(request: pytest.FixtureRequest) -> tuple[Path, str]:
    path: Path = request.param
    spec = ROOT / "samples" / path.stem / "spec.yaml"
    assert spec.exists(), f"samples/{path.stem}/spec.yaml reproduces {path.name}"
    pdf = certgen.render(spec)
    _PDFS[path.stem] = pdf
    return path, " ".join(pdf_text(pdf))


_PDFS: dict[str, bytes] = {}


def test_rendering_has_the_words_of_the_filed_form_in_order(example: tuple[Path, str]) -> None:
    """At least 97% of the form's words, in order, measured as the team's recall.py measures."""
    path, _ = example
    reference = reference_text(path)
    assert len(_recall_words(reference)) > 150  # the copies are partial, the shortest 194 words
    ratio = recall(reference, _PDFS[path.stem])
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
