"""The README's two set-up commands, .ci/run running the same test command, and the Development
section's table of test files."""

from __future__ import annotations

import re

from conftest import ROOT


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
