"""The README's two set-up commands, .ci/run running the same test command, and the Development
section's table of test files."""

from __future__ import annotations

import re

from conftest import ROOT, pdf_text


def _commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Set up", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


def test_readme_has_exactly_two_setup_commands() -> None:
    commands = _commands()
    assert len(commands) == 2
    install, tests = commands
    assert "pip install ." in install and "certgen render samples/thornburg-series-b/spec.yaml" in install
    assert "pip install -e '.[test]'" in tests and "python -m pytest" in tests


def test_ci_runs_the_readme_test_command() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert _commands()[1] in script.splitlines()


def test_development_section_names_every_test_file_once() -> None:
    """The README's stage table finds each test file; a new file needs a row (or a place in one)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Development\n", 1)[1].split("\n## ", 1)[0]
    assert '```sh\npython -m pytest -m "not slow"\n```' in section
    table = section[section.index("| stage |") :]
    named = re.findall(r"`(test_\w+\.py)`", table)
    files = sorted(p.name for p in (ROOT / "tests").glob("test_*.py"))
    assert sorted(named) == files, set(named) ^ set(files)


def _section_block(heading: str, lang: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(rf"```{lang}\n(.+?)```", section, re.S)[0]


def test_readme_spec_example_is_a_valid_spec(tmp_path) -> None:
    """The spec of "## The spec", copied as it is, passes validation with --strict and prints
    each city of transferable_in whole (a flow list of unquoted "CITY, STATE" is four cities)."""
    import certgen

    spec = tmp_path / "spec.yaml"
    spec.write_text(_section_block("The spec", "yaml"), encoding="utf-8")
    report = certgen.validate(spec)
    assert [f for f in report.findings if f.severity != "info"] == []
    form = tmp_path / "form.pdf"
    certgen.prepare(spec).save(form)
    text = " ".join(pdf_text(form.read_bytes())[0].split())
    assert "TRANSFERABLE IN BOSTON, MASSACHUSETTS AND NEW YORK, NEW YORK" in text
