"""`certgen validate`, `certgen rules`, and validation before `certgen render`."""

from __future__ import annotations

import json
from pathlib import Path

from certgen.validation.catalogue import rules_markdown
from conftest import ROOT, SAMPLE_HOLDERS, SAMPLE_SPEC
from handmade import handmade_certificate


def _with_limit(spec_data: dict, write_spec, limit: float) -> Path:
    spec_data["issuer"]["ownership_limit"] = limit
    return write_spec(spec_data)


def test_sample_passes(run_cli) -> None:
    result = run_cli("validate", SAMPLE_SPEC, "--holders", SAMPLE_HOLDERS, "--strict")
    assert result.exit_code == 0, result.stdout
    assert result.stdout.strip().endswith("1 note: passes (--strict)")


def test_charter_limit_fails_naming_both_numbers(run_cli, spec_data: dict, write_spec) -> None:
    spec = _with_limit(spec_data, write_spec, 9.8)
    result = run_cli("validate", spec)
    assert result.exit_code == 1
    assert "legend.ownership-limit" in result.stdout
    text = " ".join(result.stdout.split())
    assert (
        "states an ownership limit of 9.9%, but the charter's limit (issuer.ownership_limit) is 9.8%" in text
    )
    assert f"{spec}, line " in text
    assert text.endswith("1 error: fails")


def test_json_format(run_cli, spec_data: dict, write_spec) -> None:
    result = run_cli("validate", _with_limit(spec_data, write_spec, 9.8), "--format", "json")
    assert result.exit_code == 1
    findings = json.loads(result.stdout)
    assert [f["id"] for f in findings] == ["legend.ownership-limit"]
    assert set(findings[0]) >= {"id", "severity", "location", "message", "reference"}
    assert findings[0]["severity"] == "error"


def test_strict_makes_warnings_fail(run_cli, spec_data: dict, write_spec) -> None:
    spec_data["security"]["cusip"] = "885218"  # a warning on a form
    spec = write_spec(spec_data)
    assert run_cli("validate", spec).exit_code == 0
    strict = run_cli("validate", spec, "--strict")
    assert strict.exit_code == 1
    assert "cusip.issuer-only" in strict.stdout


def test_pdf_with_spec_option(run_cli, tmp_path: Path) -> None:
    from certgen import load_spec
    from certgen.pipeline import resolve_legends

    legends = [legend.text for legend in resolve_legends(load_spec(SAMPLE_SPEC))]
    pdf = tmp_path / "other.pdf"
    pdf.write_bytes(handmade_certificate(legends[:2], words="ONE THOUSAND SIX HUNDRED"))
    result = run_cli("validate", "--pdf", pdf, "--spec", SAMPLE_SPEC, "--format", "json")
    assert result.exit_code == 1
    ids = sorted(f["id"] for f in json.loads(result.stdout) if f["severity"] == "error")
    assert ids == ["pdf.legend", "pdf.shares-agree"]
    good = tmp_path / "good.pdf"
    good.write_bytes(handmade_certificate(legends))
    assert run_cli("validate", "--pdf", good, "--spec", SAMPLE_SPEC).exit_code == 0


def test_usage_errors_exit_2(run_cli) -> None:
    assert run_cli("validate").exit_code == 2
    assert run_cli("validate", SAMPLE_SPEC, "--spec", SAMPLE_SPEC).exit_code == 2
    assert run_cli("validate", "--holders", SAMPLE_HOLDERS, "--pdf", "x.pdf").exit_code == 2
    assert run_cli("validate", SAMPLE_SPEC, "--format", "xml").exit_code == 2


def test_unreadable_spec_is_a_finding_not_a_traceback(run_cli, tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text("issuer: [unclosed\n", encoding="utf-8")
    result = run_cli("validate", spec, "--format", "json")
    assert result.exit_code == 1
    [finding] = json.loads(result.stdout)
    assert finding["id"] == "spec.valid"
    assert finding["location"].startswith(f"{spec}, line ")
    assert "Traceback" not in result.stderr


def test_render_refuses_on_errors_and_writes_nothing(
    run_cli, spec_data: dict, write_spec, tmp_path: Path
) -> None:
    spec = _with_limit(spec_data, write_spec, 9.8)
    out = tmp_path / "out.pdf"
    result = run_cli("render", spec, "-o", out)
    assert result.exit_code == 1
    assert not out.exists()
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"certgen: error: {spec}, line ")
    assert line.endswith("[legend.ownership-limit]")
    assert list(tmp_path.iterdir()) == [spec]


def test_render_prints_warnings_and_goes_on(run_cli, spec_data: dict, write_spec, tmp_path: Path) -> None:
    spec_data["security"]["cusip"] = "885218"
    out = tmp_path / "form.pdf"
    result = run_cli("render", write_spec(spec_data), "-o", out)
    assert result.exit_code == 0
    assert "certgen: warning:" in result.stderr and "[cusip.issuer-only]" in result.stderr
    assert out.exists()


def test_render_refuses_six_character_cusip_on_issued_certificates(
    run_cli, spec_data: dict, write_spec, tmp_path: Path
) -> None:
    spec_data["security"]["cusip"] = "885218"
    out = tmp_path / "certs.pdf"
    result = run_cli("render", write_spec(spec_data), "--holders", SAMPLE_HOLDERS, "-o", out)
    assert result.exit_code == 1
    assert "[cusip.issuer-only]" in result.stderr
    assert not out.exists()


def test_rules_doc_is_generated_from_the_code(run_cli) -> None:
    doc = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert doc == rules_markdown(), "docs/rules.md is stale: certgen rules --format markdown > docs/rules.md"
    assert run_cli("rules", "--format", "markdown").stdout == doc


def test_rules_json(run_cli) -> None:
    rules = json.loads(run_cli("rules", "--format", "json").stdout)
    ids = [r["id"] for r in rules]
    assert "cusip.check-digit" in ids and len(ids) == len(set(ids))
