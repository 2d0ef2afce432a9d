"""Test certgen.spec: loading specs, precise errors, the JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from certgen import SpecError, load_spec, spec_json_schema
from conftest import SAMPLE_SPEC


def test_sample_spec_loads() -> None:
    spec = load_spec(SAMPLE_SPEC)
    assert spec.issuer.name == "THORNBURG MORTGAGE, INC."
    assert spec.issuer.state == "MD"
    assert spec.issuer.state_name == "Maryland"
    assert spec.security.cusip == "885218305"
    assert spec.security.par_value == "$.01"
    assert spec.security.title == "Series B Cumulative Preferred Stock"
    assert spec.base_dir == SAMPLE_SPEC.parent.resolve()
    assert [o.title for o in spec.issuer.officers] == ["Secretary", "Chairman"]


def test_spec_from_mapping(spec_data: dict) -> None:
    spec = load_spec(spec_data)
    assert spec.issuer.name == "THORNBURG MORTGAGE, INC."
    assert spec.source is None


def test_state_by_name(spec_data: dict) -> None:
    spec_data["issuer"]["state"] = "Delaware"
    assert load_spec(spec_data).issuer.state == "DE"


def _error(path: Path) -> str:
    with pytest.raises(SpecError) as info:
        load_spec(path)
    text = str(info.value)
    assert "\n" not in text
    return text


def test_empty_issuer_name(spec_data: dict, write_spec) -> None:
    spec_data["issuer"]["name"] = "   "
    path = write_spec(spec_data)
    text = _error(path)
    assert text.startswith(f"{path}, line ")
    assert "issuer.name: must not be empty" in text


def test_missing_issuer_name(spec_data: dict, write_spec) -> None:
    del spec_data["issuer"]["name"]
    text = _error(write_spec(spec_data))
    assert "issuer.name: is required but missing" in text


def test_unknown_key_is_an_error(spec_data: dict, write_spec) -> None:
    spec_data["security"]["cusp"] = "885218107"
    text = _error(write_spec(spec_data))
    assert "security.cusp: is not a spec key" in text


def test_all_problems_are_kept(spec_data: dict, write_spec) -> None:
    spec_data["issuer"]["name"] = ""
    spec_data["security"]["cusp"] = "885218107"
    with pytest.raises(SpecError) as info:
        load_spec(write_spec(spec_data))
    assert "(1 more problem after this one)" in str(info.value)
    assert [p.field for p in info.value.problems] == ["issuer.name", "security.cusp"]


def test_cusip_spaces_and_case_are_compacted(spec_data: dict) -> None:
    spec_data["security"]["cusip"] = "885218 30 5"
    assert load_spec(spec_data).security.cusip == "885218305"


def test_full_cusip_accepted_even_unquoted(spec_data: dict, write_spec) -> None:
    spec_data["security"]["cusip"] = 885218107
    assert load_spec(write_spec(spec_data)).security.cusip == "885218107"


def test_bad_state(spec_data: dict, write_spec) -> None:
    spec_data["issuer"]["state"] = "Marylnd"
    assert "issuer.state: 'Marylnd' is not a US state" in _error(write_spec(spec_data))


def test_legend_needs_text_or_template(spec_data: dict, write_spec) -> None:
    spec_data["legends"][1] = {"name": "x"}
    assert "legends[1]: give exactly one of 'text' or 'template'" in _error(write_spec(spec_data))


def test_yaml_syntax_error_names_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("issuer:\n  name: [unclosed\nsecurity: {}\n", encoding="utf-8")
    text = _error(path)
    assert text.startswith(f"{path}, line 3:")


def test_missing_file(tmp_path: Path) -> None:
    assert _error(tmp_path / "nope.yaml") == f"{tmp_path / 'nope.yaml'}: file not found"


def test_json_schema_lists_the_public_keys() -> None:
    schema = json.loads(spec_json_schema())
    defs = schema["$defs"]
    assert "name" in defs["Issuer"]["properties"]
    assert "state" in defs["Issuer"]["properties"]
    assert {"title", "cusip", "par_value"} <= set(defs["Security"]["properties"])
    assert schema["additionalProperties"] is False
