"""Hostile or careless specs are refused in one line, quickly and in little memory: YAML alias
bombs, oversized files and legends, deep nesting, values Python cannot make, bad legend parameters."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

import certgen
from certgen import SpecError, load_spec
from certgen.pipeline import resolve_legends
from conftest import ROOT, SAMPLE_SPEC


def _alias_bomb(levels: int = 9) -> str:
    """The "billion laughs": each anchor a list of nine aliases of the one before (9**9 values)."""
    names = "abcdefghijklmnop"
    lines = [f"a: &a [{', '.join(['lol'] * 9)}]"]
    for previous, name in zip(names, names[1:levels], strict=False):
        lines.append(f"{name}: &{name} [{', '.join(['*' + previous] * 9)}]")
    return "\n".join(lines) + "\n"


#: Loads a spec in a fresh interpreter under a 2 GB address-space limit; prints the error line,
#: the seconds taken and the peak of Python's allocations while loading.
_MEASURE = """
import json, resource, sys, time, tracemalloc
resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
import certgen
certgen.load_spec("samples/thornburg-series-b/spec.yaml")  # the modules a load needs, imported before measuring
tracemalloc.start()
start = time.perf_counter()
try:
    certgen.load_spec(sys.argv[1])
    error = None
except certgen.SpecError as exc:
    error = str(exc)
print(json.dumps({"error": error, "seconds": time.perf_counter() - start, "peak": tracemalloc.get_traced_memory()[1]}))
"""


def _measure(path: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(path)], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


@pytest.mark.slow  # starts Python in a subprocess
def test_an_alias_bomb_is_refused_in_under_a_second_and_little_memory(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(_alias_bomb(), encoding="utf-8")
    assert path.stat().st_size < 500
    result = _measure(path)
    assert result["seconds"] < 1.0, result
    assert result["peak"] < 100 * 2**20, result
    assert result["error"] == (
        f"{path}, line 6: f: holds more than 100,000 values once its aliases (*name) are expanded: "
        "refer to each anchor only a few times, or write the values out"
    )


def test_an_alias_bomb_is_one_line_from_the_command_line(run_cli, tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(_alias_bomb(), encoding="utf-8")
    out = tmp_path / "out.pdf"
    start = time.perf_counter()
    result = run_cli("render", path, "-o", out)
    assert time.perf_counter() - start < 2
    assert result.exit_code == 1 and not out.exists()
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"certgen: error: {path}, line 6: f: holds more than 100,000 values"), line
    result = run_cli("validate", path)
    assert result.exit_code == 1 and "holds more than 100,000 values" in result.stdout
    # aliases as a spec would use them still load, and keys keep their lines
    text = SAMPLE_SPEC.read_text(encoding="utf-8")
    title = "  title: Series B Cumulative Preferred Stock\n"
    assert title in text
    text = text.replace(title, "  title: &title Series B Cumulative Preferred Stock\n")
    text = text.replace("\nface:\n", "\nface:\n  title: *title\n", 1)
    path = tmp_path / "spec.yaml"
    path.write_text(text, encoding="utf-8")
    spec = load_spec(path)
    assert spec.face.title == spec.security.title == "Series B Cumulative Preferred Stock"
    assert spec.locate("face.title").startswith(f"{path}, line ")


def test_an_alias_that_refers_to_itself_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "loop.yaml"
    path.write_text("issuer: &a\n  name: [*a]\n", encoding="utf-8")
    with pytest.raises(
        SpecError,
        match=r"line 1: holds an alias inside its own anchor \(&name ... \*name\), which never ends",
    ):
        load_spec(path)


def test_deep_nesting_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("issuer: " + "[" * 990 + "]" * 990 + "\n", encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load_spec(path)
    assert str(info.value) == (
        f"{path}, line 1: issuer: is nested more than 40 levels deep (a spec has some six): "
        "check the indentation"
    )


@pytest.mark.slow  # starts Python in a subprocess
def test_a_spec_file_larger_than_a_megabyte_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    legend = "THE SHARES ARE SUBJECT TO RESTRICTIONS. " * (50 * 2**20 // 40)  # a 50 MB legend
    text = SAMPLE_SPEC.read_text(encoding="utf-8") + f"\n# {legend}\n"
    path.write_text(text, encoding="utf-8")
    result = _measure(path)
    assert result["seconds"] < 1.0 and result["peak"] < 10 * 2**20, result
    assert result["error"] == (
        f"{path}: is larger than a spec may be (1 MB; real specs are a few kilobytes): check that this is the spec file"
    )


def test_a_spec_that_is_not_a_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="is not a file: give the path of the spec's YAML file"):
        load_spec("/dev/zero")
    with pytest.raises(SpecError, match="is a folder: give the path of the spec's YAML file"):
        load_spec(tmp_path)


def test_a_50_mb_legend_given_as_a_mapping_is_refused_quickly(spec_data: dict) -> None:
    spec_data["legends"][0] = {"text": "THE SHARES ARE SUBJECT TO RESTRICTIONS. " * (50 * 2**20 // 40)}
    start = time.perf_counter()
    with pytest.raises(SpecError) as info:
        certgen.prepare(spec_data)
    assert time.perf_counter() - start < 1.0
    assert str(info.value) == (
        "spec: legends: holds more than 2,000,000 characters of text once its aliases are expanded: "
        "check that this is the spec (a legend may have at most 64 KB)"
    )


def test_a_legend_longer_than_64_kb_is_refused(spec_data: dict, write_spec) -> None:
    spec_data["legends"][0] = {"text": "THE SHARES ARE SUBJECT TO RESTRICTIONS. " * 2000}  # 80,000 characters
    path = write_spec(spec_data)
    with pytest.raises(SpecError) as info:
        load_spec(path)
    message = str(info.value)
    assert (
        message.startswith(f"{path}, line ")
        and "legends[0].text: is 80,000 characters long; a legend may have at most 65,536 (64 KB)" in message
    )
    spec_data["legends"][0] = {"text": "THE SHARES ARE SUBJECT TO RESTRICTIONS. " * 1600}  # 64,000: allowed
    assert len(load_spec(spec_data).legends[0].text or "") == 63_999  # stripped of its last space


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("abc", "'abc'"),
        (-9.8, "-9.8"),
        (0, "0"),
        (100.5, "100.5"),
        (float("nan"), "nan"),
        (float("inf"), "inf"),
        (True, "bool 'True'"),
        ([9.8], "list '[9.8]'"),
        (10**5000, "a number that large"),
    ],
    ids=["text", "negative", "zero", "over-100", "nan", "inf", "bool", "list", "5000-digits"],
)
def test_a_bad_ownership_limit_is_refused_naming_its_key(spec_data: dict, value: object, shown: str) -> None:
    spec_data["legends"][0]["params"]["ownership_limit"] = value
    with pytest.raises(SpecError) as info:
        certgen.prepare(spec_data)
    assert str(info.value) == (
        f"legends[0].params.ownership_limit: must be a percentage greater than 0 and at most 100, e.g. 9.8 (not {shown})"
    )


def test_a_bad_ownership_limit_in_a_file_names_its_line(run_cli, tmp_path: Path) -> None:
    text = SAMPLE_SPEC.read_text(encoding="utf-8")
    assert "      ownership_limit: 9.9\n" in text
    spec = tmp_path / "spec.yaml"
    out = tmp_path / "out.pdf"
    for bad in ("abc", ".nan", "-9.8", "9" * 5000):
        spec.write_text(text.replace("ownership_limit: 9.9", f"ownership_limit: {bad}"), encoding="utf-8")
        result = run_cli("render", spec, "-o", out)
        assert result.exit_code == 1 and not out.exists()
        [line] = result.stderr.strip().splitlines()
        if len(bad) > 100:  # YAML reads it as an integer Python will not make
            assert (
                line
                == f"certgen: error: {spec}, line 41: {bad[:40]} is not a valid value (a number of more than 4,300 digits) [spec.valid]"
            )
        else:
            assert line.startswith(
                f"certgen: error: {spec}, line 41: legends[0].params.ownership_limit: must be a percentage"
            ), line
    for good in (9.8, 10, "9.8", " 9.75 "):  # a number, or a number as text, prints as written
        data = yaml.safe_load(text)
        data["legends"][0]["params"]["ownership_limit"] = good
        legend = resolve_legends(load_spec(data))[0].text
        assert f"IN EXCESS OF {str(good).strip()}%" in legend


def test_a_value_yaml_reads_but_python_cannot_make_is_one_line(tmp_path: Path) -> None:
    text = SAMPLE_SPEC.read_text(encoding="utf-8")
    path = tmp_path / "spec.yaml"
    path.write_text(text.replace("ownership_limit: 9.9", "ownership_limit: 2020-13-45"), encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load_spec(path)
    assert str(info.value) == f"{path}, line 41: 2020-13-45 is not a valid value (month must be in 1..12)"


def test_a_cyclic_mapping_is_refused() -> None:
    issuer: dict = {"name": "X"}
    issuer["officers"] = [issuer]
    with pytest.raises(SpecError, match="spec: issuer: is nested more than 40 levels deep"):
        load_spec({"issuer": issuer})


def test_the_limits_are_documented() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for figure in ("1 MB", "64 KB", "100,000 values", "40 levels"):
        assert figure in readme, figure
