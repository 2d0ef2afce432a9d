"""Batch printing: print files, manifest, control report, the register, refusals, resume."""

from __future__ import annotations

import contextlib
import copy
import csv
import datetime as dt
import hashlib
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pypdf
import pytest
import sqlalchemy as sa

import certgen
from certgen.batch import BatchOptions, render_batch
from certgen.errors import RenderError, ValidationError
from certgen.register import Register, RegisterError, format_number
from conftest import SAMPLE_HOLDERS, SAMPLE_SPEC, certgen_command, pdf_text

HEADER = "registration,shares,issue_date\n"


def holders_file(
    folder: Path, count: int, *, numbered: bool = False, name: str = "holders.csv", start: int = 1
) -> Path:
    """*count* holders of the Series B sample; numbered PB 0001... when *numbered*."""
    lines = [("certificate_number," if numbered else "") + HEADER.strip()]
    for i in range(start, start + count):
        number = f"PB {i:04d}," if numbered else ""
        lines.append(f'{number}"HOLDER {i} & CO.",{100 * i},2026-11-23')
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


#: The PostgreSQL register needs the session's server (started once, a few seconds): slow.
@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def register_url(request: pytest.FixtureRequest, tmp_path: Path) -> str | None:
    """The register: the default SQLite file in the output folder, or a PostgreSQL database."""
    if request.param == "sqlite":
        return None
    return str(request.getfixturevalue("postgres_url"))


def _register(url: str | None, out: Path) -> Register:
    return Register(url if url is not None else out / "register.sqlite")


def test_batch_writes_chunks_manifest_control_report_and_register(
    tmp_path: Path, register_url: str | None
) -> None:
    out = tmp_path / "out"
    holders = holders_file(tmp_path, 7, numbered=True)
    result = render_batch(
        SAMPLE_SPEC, holders, out, register=register_url, options=BatchOptions(chunk_size=3), workers=1
    )
    assert (result.certificates, result.files, result.written) == (7, 3, 3)
    assert sorted(p.name for p in out.glob("certificates-*.pdf")) == [
        f"certificates-000{i}.pdf" for i in (1, 2, 3)
    ]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["files"]:
        data = (out / entry["name"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"] and len(data) == entry["bytes"]
        assert len(pypdf.PdfReader(io.BytesIO(data)).pages) == entry["pages"]
    assert [c["number"] for c in manifest["certificates"]] == [f"PB {i:04d}" for i in range(1, 8)]
    # Each certificate's pages hold its own number and registration (duplex: face, reverse).
    third = manifest["certificates"][4]
    assert (third["file"], third["pages"]) == ("certificates-0002.pdf", [3, 4])
    face = pdf_text((out / "certificates-0002.pdf").read_bytes())[2]
    assert "PB 0005" in face and "HOLDER 5 & CO." in face
    control = dict(csv.reader(io.StringIO((out / "control.csv").read_text(encoding="utf-8"))))
    assert control["certificates"] == "7" and control["issued"] == "7"
    assert control["total shares"] == "2,800" and (control["first number"], control["last number"]) == (
        "PB 0001",
        "PB 0007",
    )
    assert "Certificate control report" in pdf_text((out / "control.pdf").read_bytes())[0]
    with _register(register_url, out) as reg:
        records = list(reg.records())
    assert [r.state for r in records] == ["issued"] * 7
    digests = {e["name"]: e["sha256"] for e in manifest["files"]}
    assert all(r.sha256 == digests[r.file] for r in records)


def test_numbers_are_allocated_from_the_register_and_never_reused(
    tmp_path: Path, register_url: str | None
) -> None:
    register = register_url or str(tmp_path / "shared.sqlite")
    first = render_batch(
        SAMPLE_SPEC, holders_file(tmp_path, 3), tmp_path / "one", register=register, workers=1
    )
    assert (first.first_number, first.last_number) == ("PB-000001", "PB-000003")
    with Register(register) as reg:
        reg.change("void", ["PB-000003"], note="not delivered")
    second = render_batch(
        SAMPLE_SPEC,
        holders_file(tmp_path, 2, name="more.csv", start=4),
        tmp_path / "two",
        register=register,
        workers=1,
    )
    assert (second.first_number, second.last_number) == (
        "PB-000004",
        "PB-000005",
    )  # the voided number stays used
    with Register(register) as reg:
        states = {r.number: r.state for r in reg.records()}
    assert states == {
        "PB-000001": "issued",
        "PB-000002": "issued",
        "PB-000003": "voided",
        "PB-000004": "issued",
        "PB-000005": "issued",
    }
    face = pdf_text((tmp_path / "two" / "certificates-0001.pdf").read_bytes())[0]
    assert "PB-000004" in face


def test_a_number_already_in_the_register_is_refused_before_anything_is_written(
    tmp_path: Path, register_url: str | None
) -> None:
    register = register_url or str(tmp_path / "shared.sqlite")
    render_batch(
        SAMPLE_SPEC, holders_file(tmp_path, 2, numbered=True), tmp_path / "one", register=register, workers=1
    )
    again = holders_file(tmp_path, 2, numbered=True, name="again.csv", start=2)  # PB 0002 is taken
    with pytest.raises(
        RegisterError,
        match=r"1 certificate number is already in the register: PB 0002 \(issued, .*again.csv, row 2\)"
        r".*; nothing printed$",
    ):
        render_batch(SAMPLE_SPEC, again, tmp_path / "two", register=register, workers=1)
    assert not list((tmp_path / "two").glob("*.pdf")) and not (tmp_path / "two" / "manifest.json").exists()
    with Register(register) as reg:
        assert [r.number for r in reg.records()] == ["PB 0001", "PB 0002"]


def test_register_change_rules(tmp_path: Path, register_url: str | None) -> None:
    out = tmp_path / "out"
    render_batch(SAMPLE_SPEC, holders_file(tmp_path, 3, numbered=True), out, register=register_url, workers=1)
    with _register(register_url, out) as reg:
        assert reg.change("spoil", ["PB 0001"], note="jammed") == 1
        assert reg.change("cancel", ["PB 0002"]) == 1
        with pytest.raises(
            RegisterError,
            match="certificate PB 0001: is spoiled: only a certificate that is issued can be cancelled",
        ):
            reg.change("cancel", ["PB 0001"])
        with pytest.raises(RegisterError, match="certificate PB 0009: is not in the register"):
            reg.change("void", ["PB 0003", "PB 0009"])
        states = {r.number: (r.state, r.note) for r in reg.records()}
    # All or none: PB 0003 was not voided with the unknown PB 0009.
    assert states == {
        "PB 0001": ("spoiled", "jammed"),
        "PB 0002": ("cancelled", None),
        "PB 0003": ("issued", None),
    }


def test_the_register_refuses_a_duplicate_number_at_the_database(
    tmp_path: Path, register_url: str | None
) -> None:
    out = tmp_path / "out"
    render_batch(SAMPLE_SPEC, holders_file(tmp_path, 1, numbered=True), out, register=register_url, workers=1)
    with _register(register_url, out) as reg:
        with pytest.raises(RegisterError, match="would use a certificate number twice"):
            with reg.transaction() as conn:
                reg._reserve(conn, 1, 1, [("PB 0001", "X", 1, "f.pdf", 1)])


def test_a_bad_holder_file_is_refused_as_a_whole_every_bad_row_listed(tmp_path: Path, run_cli: Any) -> None:
    holders = tmp_path / "holders.csv"
    holders.write_text(
        "certificate_number,registration,shares,issue_date\n"
        "PB 0001,A,100,2026-11-23\n"
        "PB 0002,B,-5,2026-11-23\n"
        "PB 0001,C,100,2026-11-23\n"
        "PB 0004,D,100,23/11/2026\n",
        encoding="utf-8",
    )
    result = run_cli("batch", SAMPLE_SPEC, "--holders", holders, "--out", tmp_path / "out", "--workers", "1")
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert any("row 3" in line and "column shares" in line for line in lines)
    assert any("row 4" in line and "used twice" in line for line in lines)
    assert any("row 5" in line and "issue_date" in line for line in lines)
    assert lines[-1] == "certgen: error: 3 errors: nothing printed"
    assert (
        not list((tmp_path / "out").glob("certificates-*"))
        and not (tmp_path / "out" / "manifest.json").exists()
    )
    with Register(tmp_path / "out" / "register.sqlite") as reg:
        assert list(reg.records()) == []


def test_a_certificate_number_column_spelt_otherwise_is_refused_not_replaced(
    tmp_path: Path, run_cli: Any
) -> None:
    """A spreadsheet's "Certificate Number" header is not certificate_number: the run is refused,
    naming the rename, where the register allocated numbers of its own (000001, ...) and the
    file's numbers were printed nowhere."""
    holders = tmp_path / "holders.csv"
    holders.write_text(
        "Certificate Number,registration,shares,issue_date\nPB 0100,A,100,2026-11-23\n", encoding="utf-8"
    )
    result = run_cli("batch", SAMPLE_SPEC, "--holders", holders, "--out", tmp_path / "out", "--workers", "1")
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert f"{holders}, row 1: the header row" in result.stderr
    assert "rename the column 'Certificate Number' to certificate_number" in result.stderr
    assert not list((tmp_path / "out").glob("certificates-*"))


def test_rerunning_a_finished_job_changes_nothing(tmp_path: Path, run_cli: Any) -> None:
    out = tmp_path / "out"
    holders = holders_file(tmp_path, 4)
    args = ("batch", SAMPLE_SPEC, "--holders", holders, "--out", out, "--chunk-size", "2", "--workers", "1")
    assert run_cli(*args).exit_code == 0
    before = {
        p.name: (p.stat().st_mtime_ns, p.read_bytes())
        for p in out.iterdir()
        if p.suffix != ".sqlite" and not p.name.startswith("register")
    }
    again = run_cli(*args, "--json")
    assert again.exit_code == 0
    summary = json.loads(again.stdout)
    assert summary["already_done"] is True and summary["written"] == 0 and summary["certificates"] == 4
    after = {
        p.name: (p.stat().st_mtime_ns, p.read_bytes())
        for p in out.iterdir()
        if p.suffix != ".sqlite" and not p.name.startswith("register")
    }
    assert after == before


@pytest.mark.parametrize("workers", [1, 2])
def test_the_same_job_into_another_folder_is_refused_not_printed_twice(
    tmp_path: Path, run_cli: Any, workers: int
) -> None:
    """The same spec, holder file and options with a shared register, into a second folder: the
    register knows the job, and finishing it there would print its issued numbers a second time
    (the files restored from the register's record).  It is refused, naming the first folder,
    and the second folder holds nothing."""
    register = tmp_path / "shared.sqlite"
    holders = holders_file(tmp_path, 4)
    first, second = tmp_path / "first", tmp_path / "second"

    def batch(out: Path) -> Any:
        return run_cli(
            "batch", SAMPLE_SPEC, "--holders", holders, "--out", out, "--register", register,
            "--chunk-size", "2", "--workers", str(workers),
        )  # fmt: skip

    assert batch(first).exit_code == 0
    again = batch(second)
    assert again.exit_code == 1
    message = again.stderr.strip().splitlines()[-1]
    assert "is batch 1, printed into" in message and str(first.resolve()) in message
    assert "a number is never printed twice" in message
    assert sorted(p.name for p in second.iterdir()) == []
    with Register(register) as reg:
        assert sorted(r.number for r in reg.records()) == [f"PB-00000{i}" for i in range(1, 5)]
    assert batch(first).exit_code == 0  # in its own folder, it is the finished job


@pytest.mark.parametrize("workers", [1, 2])
def test_the_run_wide_rules_hold_as_the_files_come_back(
    tmp_path: Path, spec_data: dict[str, Any], write_spec: Any, workers: int
) -> None:
    """Authorized shares (an error) and an officer's ended term (a warning, not a batch's to
    refuse) are counted over the whole run as the files come back, the rows' holders made
    again for them; without either, and with numbers allocated, there is nothing to count and
    the rows are not made again."""
    from certgen.validation.holder_rules import HolderChecker

    spec_data["security"]["authorized_shares"] = 5_000
    spec_data["security"]["outstanding_shares"] = 1_000
    spec = write_spec(spec_data)
    holders = holders_file(tmp_path, 12)  # 100 + 200 + ... + 1,200 = 7,800 shares
    with pytest.raises(ValidationError) as refused:
        render_batch(spec, holders, tmp_path / "over", options=BatchOptions(chunk_size=5), workers=workers)
    assert [f.rule for f in refused.value.findings] == ["shares.authorized"]
    assert "the run exceeds it from certificate PB-000009" in refused.value.findings[0].message
    assert not [p for p in (tmp_path / "over").iterdir() if p.suffix in (".pdf", ".tmp", ".json")]
    ended = copy.deepcopy(spec_data)
    del ended["security"]["authorized_shares"], ended["security"]["outstanding_shares"]
    ended["issuer"]["officers"][0]["term_ended"] = "2026-06-30"
    ended_spec = write_spec(ended, "ended.yaml")
    assert render_batch(ended_spec, holders, tmp_path / "ended", workers=workers).certificates == 12
    assert not HolderChecker(certgen.load_spec(ended_spec), numbers=False).runs_idle
    plain = certgen.load_spec(SAMPLE_SPEC)
    assert HolderChecker(plain, numbers=False).runs_idle
    assert not HolderChecker(plain, numbers=True).runs_idle
    assert not HolderChecker(certgen.load_spec(spec), numbers=False).runs_idle


def test_the_same_job_started_at_once_into_two_folders_prints_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two operators start the same job at the same moment into two folders, one register: the
    first to record it prints it; the other is refused naming the first folder (not a message
    to run it again, which would print nothing either), and leaves its folder empty."""
    import certgen.batch as batch_module

    register = tmp_path / "shared.sqlite"
    holders = holders_file(tmp_path, 4)
    first, second = tmp_path / "first", tmp_path / "second"
    reserve = batch_module._Job._reserve
    raced: list[Any] = []

    def other_operator_first(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if not raced:  # the other run records the job while this one is about to
            raced.append(None)
            raced[0] = render_batch(SAMPLE_SPEC, holders, first, register=register, workers=1)
        return reserve(self, *args, **kwargs)

    monkeypatch.setattr(batch_module._Job, "_reserve", other_operator_first)
    with pytest.raises(
        RegisterError, match="is batch 1, printed into .*first: a number is never printed twice"
    ):
        render_batch(SAMPLE_SPEC, holders, second, register=register, workers=1)
    assert raced[0].certificates == 4
    assert sorted(p.name for p in second.iterdir()) == []
    with Register(register) as reg:
        assert sorted(r.number for r in reg.records()) == [f"PB-00000{i}" for i in range(1, 5)]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_job_whose_folder_was_emptied_is_not_printed_again(
    tmp_path: Path, run_cli: Any, workers: int
) -> None:
    """A finished job's files moved away (or the same path on another machine, sharing the
    register): none of its files nor its manifest is in the folder, so printing them all again
    would issue their numbers twice.  It is refused and nothing is written; one lost file of a
    folder that still holds the job is printed again (test_batch_resume.py)."""
    register = tmp_path / "shared.sqlite"
    holders = holders_file(tmp_path, 4)
    out = tmp_path / "out"
    command = ("batch", SAMPLE_SPEC, "--holders", holders, "--out", out, "--register", register,
               "--chunk-size", "2", "--workers", str(workers))  # fmt: skip
    assert run_cli(*command).exit_code == 0
    out.rename(tmp_path / "moved")
    out.mkdir()
    again = run_cli(*command)
    assert again.exit_code == 1
    message = again.stderr.strip().splitlines()[-1]
    assert (
        "records batch 1 as printed into this folder, but none of its 2 files nor its manifest.json"
        in message
    )
    assert "would issue their numbers twice" in message
    assert sorted(p.name for p in out.iterdir()) == []
    (tmp_path / "moved" / "certificates-0001.pdf").rename(out / "certificates-0001.pdf")
    back = run_cli(*command)  # one of its files back: the folder is the job's, the other is restored
    assert back.exit_code == 0
    assert (out / "certificates-0002.pdf").read_bytes() == (
        tmp_path / "moved" / "certificates-0002.pdf"
    ).read_bytes()


def test_a_file_written_but_not_recorded_is_adopted_not_rewritten(tmp_path: Path) -> None:
    """The crash window between a file's rename and the transaction that records it."""
    out = tmp_path / "out"
    holders = holders_file(tmp_path, 4)
    render_batch(SAMPLE_SPEC, holders, out, options=BatchOptions(chunk_size=2), workers=1)
    last = out / "certificates-0002.pdf"
    stamp = last.stat().st_mtime_ns
    engine = sa.create_engine(f"sqlite:///{out / 'register.sqlite'}")
    with engine.begin() as conn:  # as if killed before the record of the second file
        conn.execute(sa.text("DELETE FROM files WHERE name = 'certificates-0002.pdf'"))
        conn.execute(
            sa.text(
                "UPDATE certificates SET state = 'pending', sha256 = NULL WHERE file = 'certificates-0002.pdf'"
            )
        )
        conn.execute(sa.text("UPDATE batches SET state = 'printing'"))
    engine.dispose()
    (out / "manifest.json").unlink()
    result = render_batch(SAMPLE_SPEC, holders, out, options=BatchOptions(chunk_size=2), workers=1)
    assert (result.written, result.adopted) == (0, 1)
    assert last.stat().st_mtime_ns == stamp
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [c["state"] for c in manifest["certificates"]] == ["issued"] * 4


def test_a_changed_print_file_is_reported_not_overwritten(tmp_path: Path) -> None:
    out = tmp_path / "out"
    holders = holders_file(tmp_path, 2)
    render_batch(SAMPLE_SPEC, holders, out, options=BatchOptions(chunk_size=1), workers=1)
    (out / "certificates-0001.pdf").write_bytes(b"%PDF-1.4 tampered")
    with pytest.raises(
        certgen.RenderError, match="certificates-0001.pdf differs from what the register recorded"
    ):
        render_batch(SAMPLE_SPEC, holders, out, options=BatchOptions(chunk_size=1), workers=1)
    assert (out / "certificates-0001.pdf").read_bytes() == b"%PDF-1.4 tampered"


def test_another_job_in_the_same_folder_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    render_batch(SAMPLE_SPEC, holders_file(tmp_path, 2), out, workers=1)
    other = holders_file(tmp_path, 3, name="other.csv", start=10)
    with pytest.raises(certgen.RenderError, match="the output folder holds another job's files"):
        render_batch(SAMPLE_SPEC, other, out, workers=1)


def test_print_order_banner_and_crop_marks(tmp_path: Path) -> None:
    holders = holders_file(tmp_path, 3)
    duplex = render_batch(SAMPLE_SPEC, holders, tmp_path / "d", options=BatchOptions(banner=True), workers=1)
    simplex = render_batch(
        SAMPLE_SPEC,
        holders,
        tmp_path / "s",
        register=tmp_path / "s" / "register.sqlite",  # a register of its own, on purpose
        options=BatchOptions(order="simplex", crop_marks=True),
        workers=1,
    )
    assert duplex.files == simplex.files == 1
    d = pdf_text((tmp_path / "d" / "certificates-0001.pdf").read_bytes())
    assert f"Job {_job_key(tmp_path / 'd')[:12]}, file 1 of 1: certificates-0001.pdf" in d[0]  # the banner
    assert "Certificates PB-000001 to PB-000003 (3)" in d[0] and d[1].strip() == ""  # and its blank back
    assert ["PB-00000" + str(i) in d[2 + 2 * (i - 1)] for i in (1, 2, 3)] == [True] * 3
    reader = pypdf.PdfReader(tmp_path / "s" / "certificates-0001.pdf")
    texts = [page.extract_text() for page in reader.pages]
    assert len(texts) == 6
    assert all(f"PB-00000{i}" in texts[i - 1] for i in (1, 2, 3))  # all faces first
    assert all("ASSIGNMENT" in t.upper() or "FOR VALUE RECEIVED" in t.upper() for t in texts[3:])
    page = reader.pages[0]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == (792 + 36, 612 + 36)
    assert [float(v) for v in page.trimbox] == [18, 18, 18 + 792, 18 + 612]
    manifest = json.loads((tmp_path / "s" / "manifest.json").read_text(encoding="utf-8"))
    assert [c["pages"] for c in manifest["certificates"]] == [[1, 4], [2, 5], [3, 6]]


def _job_key(out: Path) -> str:
    return str(json.loads((out / "manifest.json").read_text(encoding="utf-8"))["job_key"])


def test_worker_processes_give_the_same_files(tmp_path: Path) -> None:
    holders = holders_file(tmp_path, 6)
    render_batch(SAMPLE_SPEC, holders, tmp_path / "one", options=BatchOptions(chunk_size=2), workers=1)
    two = tmp_path / "two"  # a register of its own, on purpose
    render_batch(
        SAMPLE_SPEC,
        holders,
        two,
        register=two / "register.sqlite",
        options=BatchOptions(chunk_size=2),
        workers=2,
    )
    for name in ("certificates-0001.pdf", "certificates-0002.pdf", "certificates-0003.pdf"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
    _keys_hold(tmp_path / "two" / "register.sqlite")
    numbered = holders_file(tmp_path, 5, numbered=True, name="numbered.csv")
    render_batch(
        SAMPLE_SPEC,
        numbered,
        tmp_path / "numbered",
        register=tmp_path / "numbered" / "register.sqlite",
        options=BatchOptions(chunk_size=2),
        workers=2,
    )
    _keys_hold(tmp_path / "numbered" / "register.sqlite")


def test_format_number() -> None:
    assert format_number("PB", 123) == "PB-000123"
    assert format_number("R-", 7, 0) == "R-7"
    assert format_number("TMR ", 42, 4) == "TMR 0042"
    assert format_number("", 5, 3) == "005"


def test_sample_holder_file_runs_as_a_batch(tmp_path: Path) -> None:
    result = render_batch(SAMPLE_SPEC, SAMPLE_HOLDERS, tmp_path / "out", workers=1)
    assert (result.first_number, result.certificates) == ("PB 0001", 4)


def _glyph_runs(path: Path) -> list[list[tuple[str, float, float]]]:
    from certgen.pdftext import read_pdf

    return [[(g.text, g.x0, g.y0) for g in page.glyphs] for page in read_pdf(path)]


def test_overlay_prints_only_the_variable_fields_moved_by_the_calibration_offset(tmp_path: Path) -> None:
    holders = holders_file(tmp_path, 2, numbered=True)
    render_batch(SAMPLE_SPEC, holders, tmp_path / "plain", options=BatchOptions(overlay=True), workers=1)
    render_batch(
        SAMPLE_SPEC,
        holders,
        tmp_path / "moved",
        register=tmp_path / "moved" / "register.sqlite",  # a register of its own, on purpose
        options=BatchOptions(overlay=True, offset_mm=(2.5, -1.5)),
        workers=1,
    )
    plain = tmp_path / "plain" / "certificates-0001.pdf"
    # Only the fields: the words each certificate's fields print, nothing of the static design.
    issue = certgen.prepare(SAMPLE_SPEC)
    expected = []
    for holder in certgen.load_holders(holders):
        for page, side in zip(
            issue.pages, issue.fill(holder), strict=False
        ):  # the QR code is modules, not words
            expected.append(
                sorted(
                    word
                    for i, lines in side
                    if page.fields[i].kind == "text"
                    for line in lines
                    for word in line.text.split()
                )
            )
    pages = pdf_text(plain.read_bytes())
    assert len(pages) == 4 and pages[1].strip() == "" and pages[3].strip() == ""  # reverses: no fields
    assert [sorted(page.split()) for page in pages] == expected
    reader = pypdf.PdfReader(plain)
    assert all("/XObject" not in page["/Resources"] for page in reader.pages)  # no static art forms
    # The offset moves every glyph by exactly 2.5 mm right and 1.5 mm down.
    before, after = _glyph_runs(plain), _glyph_runs(tmp_path / "moved" / "certificates-0001.pdf")
    assert [len(p) for p in before] == [len(p) for p in after] and sum(len(p) for p in before) > 40
    for page_before, page_after in zip(before, after, strict=False):
        for (text, x0, y0), (text2, x1, y1) in zip(page_before, page_after, strict=False):
            assert text == text2
            assert x1 - x0 == pytest.approx(2.5 * 72 / 25.4, abs=0.01)
            assert y1 - y0 == pytest.approx(-1.5 * 72 / 25.4, abs=0.01)


def test_calibration_sheet(tmp_path: Path, run_cli: Any) -> None:
    from certgen.pdftext import read_pdf

    plain, moved = tmp_path / "cal.pdf", tmp_path / "moved.pdf"
    assert run_cli("calibrate", "-o", plain, "--spec", SAMPLE_SPEC).exit_code == 0
    assert run_cli("calibrate", "-o", moved, "--spec", SAMPLE_SPEC, "--offset", "1,-2").exit_code == 0
    pages = read_pdf(plain)
    assert len(pages) == 3  # instructions, face, reverse
    assert "Measure the centre of the lower-left crosshair" in pages[0].text
    assert all(name in pages[1].text for name in ("certificate_number", "registration", "shares_words"))
    reader = pypdf.PdfReader(plain)
    assert (float(reader.pages[1].mediabox.width), float(reader.pages[1].mediabox.height)) == (792, 612)
    first = [g for g in pages[1].glyphs if g.text == "r"][0]
    shifted = [g for g in read_pdf(moved)[1].glyphs if g.text == "r"][0]
    assert (shifted.x0 - first.x0, shifted.y0 - first.y0) == pytest.approx(
        (72 / 25.4, -2 * 72 / 25.4), abs=0.01
    )
    bad = run_cli("calibrate", "-o", tmp_path / "x.pdf", "--offset", "1;2")
    assert (
        bad.exit_code == 2 and "give X,Y in millimetres" in bad.stderr and not (tmp_path / "x.pdf").exists()
    )


def test_names_that_do_not_fit_are_all_listed_and_nothing_is_left(tmp_path: Path, run_cli: Any) -> None:
    too_long = "W" * 400
    rows = [
        f'"HOLDER {i}",100,2026-11-23' if i not in (3, 8) else f'"{too_long}",100,2026-11-23'
        for i in range(1, 10)
    ]
    holders = tmp_path / "holders.csv"
    holders.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli(
        "batch", SAMPLE_SPEC, "--holders", holders, "--out", out, "--chunk-size", "2", "--workers", "2"
    )
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    lines = [line for line in result.stderr.strip().splitlines() if line.startswith("certgen: error:")]
    assert len(lines) == 3 and all(
        "does not fit" in line and "field registration" in line for line in lines[:2]
    )
    assert "row 4" in lines[0] and "row 9" in lines[1]  # rows 3 and 8 of holders: CSV rows 4 and 9
    assert lines[-1] == "certgen: error: 2 errors: nothing printed"
    assert [
        p.name for p in out.iterdir() if not p.name.startswith("register.sqlite")
    ] == []  # no PDF, no temporary
    with Register(out / "register.sqlite") as reg:
        assert list(reg.records()) == []


def test_register_commands(tmp_path: Path, run_cli: Any) -> None:
    out = tmp_path / "out"
    holders = tmp_path / "holders.jsonl"  # JSON rows without numbers: numbers are allocated
    holders.write_text(
        "\n".join(
            json.dumps({"registration": f"HOLDER {i}", "shares": 10 * i, "issue_date": "2026-11-23"})
            for i in (1, 2, 3)
        )
        + "\n",
        encoding="utf-8",
    )
    assert run_cli("batch", SAMPLE_SPEC, "--holders", holders, "--out", out, "--workers", "1").exit_code == 0
    register = out / "register.sqlite"
    listed = run_cli("register", "list", "--register", register)
    assert listed.exit_code == 0
    assert [line.split("\t")[1:4] for line in listed.stdout.splitlines()] == [
        ["PB-000001", "issued", "10"],
        ["PB-000002", "issued", "20"],
        ["PB-000003", "issued", "30"],
    ]
    spoiled = run_cli("register", "spoil", "--register", register, "--note", "misfeed", "PB-000002")
    assert spoiled.exit_code == 0 and "1 certificate spoiled" in spoiled.stderr
    refused = run_cli("register", "cancel", "--register", register, "PB-000002")
    assert refused.exit_code == 1 and refused.stderr.strip().endswith(
        "is spoiled: only a certificate that is issued can be cancelled"
    )
    unknown = run_cli("register", "void", "--register", register, "--security", "000000000", "PB-000001")
    assert unknown.exit_code == 1 and "holds no security '000000000' (it has: 885218305)" in unknown.stderr
    exported = run_cli("register", "export", "--register", register, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert [(r["number"], r["state"], r["note"]) for r in rows] == [
        ("PB-000001", "issued", ""),
        ("PB-000002", "spoiled", "misfeed"),
        ("PB-000003", "issued", ""),
    ]
    assert all(len(r["sha256"]) == 64 and r["file"] == "certificates-0001.pdf" for r in rows)
    as_json = json.loads(run_cli("register", "export", "--register", register, "--format", "json").stdout)
    assert [r["state"] for r in as_json] == ["issued", "spoiled", "issued"]
    only = run_cli("register", "list", "--register", register, "--state", "spoiled")
    assert [line.split("\t")[1] for line in only.stdout.splitlines()] == ["PB-000002"]
    missing = run_cli("register", "list", "--register", tmp_path / "nowhere" / "r.sqlite")
    assert missing.exit_code == 1 and "does not exist" in missing.stderr


def test_a_print_file_with_banner_and_crop_marks_validates(tmp_path: Path) -> None:
    from certgen.batch import BANNER_MARK
    from certgen.validation.text import compact

    out = tmp_path / "out"
    render_batch(
        SAMPLE_SPEC, SAMPLE_HOLDERS, out, options=BatchOptions(banner=True, crop_marks=True), workers=1
    )
    assert compact(BANNER_MARK) == "JOBBANNERPAGE,NOTACERTIFICATE"
    report = certgen.validate(SAMPLE_SPEC, SAMPLE_HOLDERS, pdf=out / "certificates-0001.pdf")
    assert report.ok(), [str(f) for f in report.errors]
    assert BANNER_MARK in pdf_text((out / "certificates-0001.pdf").read_bytes())[0]


def test_numbers_allocated_elsewhere_while_printing_are_not_printed(
    tmp_path: Path, register_url: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another print station takes numbers of the security while this batch renders: the files
    rendered with those numbers are dropped, and the batch prints the numbers it was given."""
    import certgen.batch as batch_module

    register = register_url or str(tmp_path / "shared.sqlite")
    reserve = batch_module._Job._reserve

    def other_station_first(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        with Register(register) as other, other.transaction() as conn:
            security = other._security_id(conn, self.security_key, "THORNBURG", "Series B", "PB")
            other._allocate_range(conn, security, 2)  # PB-000001 and PB-000002 go to the other station
        return reserve(self, *args, **kwargs)

    monkeypatch.setattr(batch_module._Job, "_reserve", other_station_first)
    result = render_batch(
        SAMPLE_SPEC,
        holders_file(tmp_path, 4),
        tmp_path / "out",
        register=register,
        options=BatchOptions(chunk_size=2),
        workers=1,
    )
    assert (result.first_number, result.last_number, result.written) == ("PB-000003", "PB-000006", 2)
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert [c["number"] for c in manifest["certificates"]] == [
        "PB-000003",
        "PB-000004",
        "PB-000005",
        "PB-000006",
    ]
    faces = pdf_text((tmp_path / "out" / "certificates-0001.pdf").read_bytes())
    assert "PB-000003" in faces[0] and "PB-000001" not in " ".join(faces)
    for entry in manifest["files"]:
        assert hashlib.sha256((tmp_path / "out" / entry["name"]).read_bytes()).hexdigest() == entry["sha256"]
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.endswith(".tmp")]
    with Register(register) as reg:
        assert {r.number: r.state for r in reg.records()} == {f"PB-00000{i}": "issued" for i in range(3, 7)}
    _keys_hold(register)


def _keys_hold(register: str | Path) -> None:
    """Every number in the register is recorded with its own canonical form (made by the
    workers as they print, or by the register for numbers given anew)."""
    from certgen.model.identifiers import canonical_number

    with Register(register) as reg, reg.transaction() as conn:
        rows = conn.exec_driver_sql("SELECT number, number_key FROM certificates").all()
    assert rows and all(key == canonical_number(number) for number, key in rows), rows


def _wait_for_early_files(out: Path) -> bool:
    """Whether a batch temporary appears in *out* within ten seconds (files rendered early)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if list(out.glob(".certificates-*.pdf.job-*.tmp")):
            return True
        time.sleep(0.01)
    return False


def test_workers_start_before_the_register_opens_and_a_wrong_guess_prints_the_register_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With workers, a new job's first files render while the register opens, on the number
    the register would likely give.  Another station takes numbers meanwhile: the files in
    flight are dropped and the batch prints the numbers the register gives it."""
    import certgen.register as register_module

    register = str(tmp_path / "shared.sqlite")  # not made yet: the guess is PB-000001
    out = tmp_path / "out"
    opening = register_module.Register.__init__
    seen: list[bool] = []

    def open_late(self: Register, *args: Any, **kwargs: Any) -> None:
        if not seen:
            seen.append(_wait_for_early_files(out))
            with Register(register) as other, other.transaction() as conn:
                security = other._security_id(conn, "885218305", "THORNBURG", "Series B", "PB")
                other._allocate_range(conn, security, 2)  # PB-000001 and PB-000002: another station's
        opening(self, *args, **kwargs)

    monkeypatch.setattr(register_module.Register, "__init__", open_late)
    result = render_batch(
        SAMPLE_SPEC,
        holders_file(tmp_path, 6),
        out,
        register=register,
        options=BatchOptions(chunk_size=2),
        workers=2,
    )
    assert seen == [True]  # a file was on disk (at its temporary name) before the register opened
    assert (result.first_number, result.last_number) == ("PB-000003", "PB-000008")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [c["number"] for c in manifest["certificates"]] == [f"PB-00000{i}" for i in range(3, 9)]
    faces = " ".join(pdf_text((out / "certificates-0001.pdf").read_bytes()))
    assert "PB-000003" in faces and "PB-000001" not in faces
    for entry in manifest["files"]:
        assert hashlib.sha256((out / entry["name"]).read_bytes()).hexdigest() == entry["sha256"]
    assert not list(out.glob(".*.tmp"))
    _keys_hold(register)


def test_files_started_early_are_deleted_when_the_register_fails_to_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import certgen.register as register_module

    out = tmp_path / "out"
    seen: list[bool] = []

    def refuse(self: Register, *args: Any, **kwargs: Any) -> None:
        seen.append(_wait_for_early_files(out))
        raise RegisterError("cannot open the register (disk I/O error)", register="register.sqlite")

    monkeypatch.setattr(register_module.Register, "__init__", refuse)
    with pytest.raises(RegisterError, match="disk I/O error"):
        render_batch(
            SAMPLE_SPEC, holders_file(tmp_path, 40), out, options=BatchOptions(chunk_size=2), workers=2
        )
    assert seen == [True]
    assert sorted(p.name for p in out.iterdir()) == []  # no file of the job, the lock gone


def test_a_file_waited_for_when_the_run_is_interrupted_is_deleted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C (or SIGTERM) reaches the batch while it waits for a worker's file, the usual
    moment: the file that worker goes on writing is deleted with the others once it is written,
    none is left behind."""
    import concurrent.futures as cf

    import certgen.batch as batch_module

    render = batch_module._render_file

    def slowly(issue: Any, task: Any) -> Any:  # in the workers (forked after this)
        if task.path.endswith("certificates-0001.pdf"):
            time.sleep(1.0)  # the first file comes after the others, after the interrupted run tidied
        return render(issue, task)

    result = cf.Future.result
    interrupted: list[bool] = []

    def interrupt_once(self: cf.Future[Any], timeout: float | None = None) -> Any:
        if not interrupted and not self.done():  # the signal comes while the batch waits
            interrupted.append(True)
            raise KeyboardInterrupt
        return result(self, timeout)

    monkeypatch.setattr(batch_module, "_render_file", slowly)
    monkeypatch.setattr(cf.Future, "result", interrupt_once)
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        render_batch(
            SAMPLE_SPEC, holders_file(tmp_path, 12), out, options=BatchOptions(chunk_size=2), workers=2
        )
    assert interrupted == [True]
    time.sleep(1.5)  # any worker still at work has written its file by now
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith("register.sqlite")) == []


@pytest.mark.parametrize("how", ["SIGINT", "SIGTERM"])
def test_a_signal_as_a_file_is_handed_to_a_worker_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    """Ctrl-C or a service manager's stop arriving just as a file is handed to a worker (after
    the pool took it, before the batch listed it): the file is still waited for and deleted
    (it was left behind at its temporary name, rendered by a worker the run no longer knew of)."""
    import concurrent.futures as cf
    import signal
    import threading

    from certgen.cli import _on_signal, _Terminated  # the handler the commands set

    submit = cf.ProcessPoolExecutor.submit
    sent: list[int] = []

    def signalled(self: cf.ProcessPoolExecutor, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        future = submit(self, fn, *args, **kwargs)
        if args and str(getattr(args[0], "path", "")).endswith("certificates-0003.pdf"):
            sent.append(1)
            deadline = time.monotonic() + 5
            while not future.running() and not future.done() and time.monotonic() < deadline:
                time.sleep(0.005)  # with a worker: no longer cancelled when the run stops
            # to this thread, so handled at its next instruction (unless held)
            signal.pthread_kill(threading.main_thread().ident or 0, getattr(signal, how))
        return future

    monkeypatch.setattr(cf.ProcessPoolExecutor, "submit", signalled)
    previous = signal.signal(signal.SIGTERM, _on_signal)
    out = tmp_path / "out"
    try:
        with pytest.raises((KeyboardInterrupt, _Terminated)):
            render_batch(
                SAMPLE_SPEC, holders_file(tmp_path, 12), out, options=BatchOptions(chunk_size=2), workers=2
            )
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert sent == [1]
    time.sleep(1.0)  # any worker still at work has written its file by now
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith("register.sqlite")) == []


def test_the_guess_of_the_first_number_reads_the_register_as_it_is(tmp_path: Path) -> None:
    """The number the workers start on before the register opens: the one it gives next, or
    no guess where the job may not be new (the register then decides)."""
    from certgen.batch import _sequence_guess

    register = tmp_path / "shared.sqlite"
    out = (tmp_path / "other").resolve()
    assert _sequence_guess(register, out, "ab" * 32, "885218305", "PB") == 1  # no register yet
    assert _sequence_guess(tmp_path / "no" / "r.sqlite", out, "ab" * 32, "885218305", "PB") is None
    assert _sequence_guess("postgresql://db/register", out, "ab" * 32, "885218305", "PB") is None
    first = tmp_path / "first"
    render_batch(SAMPLE_SPEC, holders_file(tmp_path, 3), first, register=register, workers=1)
    with Register(register) as reg, reg.transaction() as conn:
        following = reg._next_number(conn, reg._security_id(conn, "885218305", "", "", "PB"))
    assert following == 4
    assert _sequence_guess(register, out, "ab" * 32, "885218305", "PB") == following
    # A register closed cleanly is read without making its -wal and -shm files.
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("shared")) == ["shared.sqlite"]
    assert _sequence_guess(register, out, "ab" * 32, "885218999", "PB") == 1  # another security
    assert _sequence_guess(register, out, "ab" * 32, "885218305", "PC") is None  # another prefix
    assert _sequence_guess(register, out, _job_key(first), "885218305", "PB") is None  # a known job
    with Register(register) as reg, reg.transaction() as conn:
        owner = {"job_key": "cd" * 32, "pid": 1, "host": "elsewhere", "started_at": dt.datetime.now(dt.UTC)}
        reg._set_running_job(conn, str(out), owner)
    assert _sequence_guess(register, out, "ab" * 32, "885218305", "PB") is None  # a job runs there
    broken = tmp_path / "broken.sqlite"
    broken.write_bytes(b"not a database" * 100)
    assert _sequence_guess(broken, out, "ab" * 32, "885218305", "PB") is None


def test_a_register_the_guess_cannot_read_is_refused_as_with_one_worker(tmp_path: Path) -> None:
    """The guess gives up on a register path or value it cannot read (the register then
    answers, as with one worker): never an exception of its own, never a file left."""
    import sqlite3

    from certgen.batch import _sequence_guess

    out = (tmp_path / "other").resolve()
    too_long = tmp_path / ("r" * 300 + ".sqlite")  # the system refuses the name (ENAMETOOLONG)
    assert _sequence_guess(too_long, out, "ab" * 32, "885218305", "PB") is None
    assert _sequence_guess(tmp_path, out, "ab" * 32, "885218305", "PB") is None  # a folder
    damaged = tmp_path / "damaged.sqlite"
    render_batch(SAMPLE_SPEC, holders_file(tmp_path, 1), tmp_path / "first", register=damaged, workers=1)
    with contextlib.closing(sqlite3.connect(damaged)) as db, db:
        db.execute("UPDATE securities SET next_number = 'seven'")  # SQLite keeps the text
    assert _sequence_guess(damaged, out, "ab" * 32, "885218305", "PB") is None
    for workers in (1, 2):
        with pytest.raises(RegisterError, match="cannot open the register"):
            render_batch(SAMPLE_SPEC, holders_file(tmp_path, 3), out, register=too_long, workers=workers)
        assert sorted(p.name for p in out.iterdir()) == []


def test_a_batch_leaves_the_garbage_collector_as_it_found_it(tmp_path: Path) -> None:
    import gc

    render_batch(SAMPLE_SPEC, holders_file(tmp_path, 2), tmp_path / "one", workers=1)
    assert gc.get_freeze_count() == 0  # what the run froze is handed back
    gc.freeze()  # a host process that freezes its own objects (a pre-forking server) ...
    try:
        frozen = gc.get_freeze_count()
        two = tmp_path / "two"
        render_batch(
            SAMPLE_SPEC,
            holders_file(tmp_path, 2, name="more.csv"),
            two,
            register=two / "register.sqlite",
            workers=1,
        )
        assert gc.get_freeze_count() > frozen // 2  # ... keeps them frozen (unfreezing would leave none)
    finally:
        gc.unfreeze()


@pytest.mark.parametrize("numbered", [True, False])
def test_the_manifest_and_control_report_of_a_new_batch_are_those_the_register_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, numbered: bool
) -> None:
    """A new batch writes its manifest from what it recorded; a resumed one reads the register.
    Both give the same bytes (but for the time the batch was made)."""
    import re

    import certgen.batch as batch_module

    holders = holders_file(tmp_path, 7, numbered=numbered)
    options = BatchOptions(chunk_size=3, order="simplex", banner=True)
    render_batch(SAMPLE_SPEC, holders, tmp_path / "fresh", options=options, workers=1)
    # As a resumed run does: from the register (the entries made as the files came back dropped).
    monkeypatch.setattr(batch_module, "_Fresh", lambda files, created, lines, tally: lines.close())
    read = tmp_path / "read"  # a register of its own, on purpose
    render_batch(SAMPLE_SPEC, holders, read, register=read / "register.sqlite", options=options, workers=1)

    def stable(name: str, folder: str) -> str:
        text = (tmp_path / folder / name).read_text(encoding="utf-8")
        return re.sub(r'"created_at": "[^"]+"', '"created_at": …', text)

    assert stable("manifest.json", "fresh") == stable("manifest.json", "read")
    assert stable("control.csv", "fresh") == stable("control.csv", "read")
    manifest = json.loads((tmp_path / "fresh" / "manifest.json").read_text(encoding="utf-8"))
    assert [c["pages"] for c in manifest["certificates"]][:4] == [[2, 5], [3, 6], [4, 7], [2, 5]]
    assert [c["file"] for c in manifest["certificates"]] == ["certificates-0001.pdf"] * 3 + [
        "certificates-0002.pdf"
    ] * 3 + ["certificates-0003.pdf"]


# -- one running job per output folder -------------------------------------------------------


def test_a_folder_locked_by_a_running_job_is_refused_naming_it(tmp_path: Path) -> None:
    from certgen.batch.lock import FolderLock

    out = tmp_path / "out"
    out.mkdir()
    holders = holders_file(tmp_path, 2)
    running = FolderLock(out.resolve(), "ab" * 32)
    running.acquire()
    try:
        with pytest.raises(certgen.RenderError) as refused:
            render_batch(SAMPLE_SPEC, holders, out, workers=1)
        message = str(refused.value)
        assert (
            f"in use by another certgen batch (pid {os.getpid()} on {socket.gethostname()}, started 20"
            in message
        )
        assert "job abababababab" in message and "\n" not in message
        assert sorted(p.name for p in out.iterdir()) == [
            ".certgen-batch.lock"
        ]  # nothing touched, no register made
    finally:
        running.release()
    assert render_batch(SAMPLE_SPEC, holders, out, workers=1).written == 1  # the lock released, the job runs
    assert not (out / ".certgen-batch.lock").exists()


def test_the_register_names_a_job_still_running_whose_lock_file_was_removed(tmp_path: Path) -> None:
    """The register's record of the running job: a live process on this host is refused; once
    it has ended, its record does not block a rerun."""
    out = tmp_path / "out"
    out.mkdir()
    holders = holders_file(tmp_path, 2)
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        time.sleep(0.2)
        with Register(out / "register.sqlite") as reg, reg.transaction() as conn:
            started = dt.datetime.now(dt.UTC)
            owner = {
                "job_key": "cd" * 32,
                "pid": other.pid,
                "host": socket.gethostname(),
                "started_at": started,
            }
            reg._set_running_job(conn, str(out.resolve()), owner)
        with pytest.raises(
            certgen.RenderError, match=f"in use by another certgen batch \\(pid {other.pid} on "
        ):
            render_batch(SAMPLE_SPEC, holders, out, workers=1)
        assert not list(out.glob("certificates-*")) and not (out / ".certgen-batch.lock").exists()
    finally:
        other.kill()
        other.wait()
    assert render_batch(SAMPLE_SPEC, holders, out, workers=1).written == 1
    with Register(out / "register.sqlite") as reg, reg.transaction() as conn:
        assert reg._running_job(conn, str(out.resolve())) is None


def test_a_run_started_early_leaves_the_files_of_the_job_the_register_names_running(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lock file of a job still starting was deleted, and a second run takes the folder:
    its first files render early, but the running job's files in flight are left to it until
    the register lets the second run have the folder. Here the register names the first job:
    the second is refused and has touched nothing of it."""
    import certgen.register as register_module

    out = tmp_path / "out"
    out.mkdir()
    theirs = out / ".certificates-0001.pdf.job-0123456789ab-0123456789ab.tmp"  # in flight
    theirs.write_bytes(b"%PDF- being written by the running job")
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    opening = register_module.Register.__init__
    seen: list[bool] = []

    def first_job_records_itself(self: Register, *args: Any, **kwargs: Any) -> None:
        opening(self, *args, **kwargs)
        if not seen:  # this run's own files render (early), then the first job records itself
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and not seen:
                if [p for p in out.glob(".certificates-*.tmp") if p != theirs]:
                    seen.append(True)
                time.sleep(0.01)
            with self.transaction() as conn:
                owner = {"job_key": "01" * 32, "pid": other.pid, "host": socket.gethostname()}
                self._set_running_job(
                    conn, str(out.resolve()), {**owner, "started_at": dt.datetime.now(dt.UTC)}
                )

    monkeypatch.setattr(register_module.Register, "__init__", first_job_records_itself)
    try:
        with pytest.raises(certgen.RenderError, match=f"in use by another certgen batch \\(pid {other.pid} "):
            render_batch(
                SAMPLE_SPEC, holders_file(tmp_path, 40), out, options=BatchOptions(chunk_size=2), workers=2
            )
    finally:
        other.kill()
        other.wait()
    assert seen == [True]
    assert theirs.read_bytes() == b"%PDF- being written by the running job"
    assert sorted(p.name for p in out.iterdir()) == [theirs.name, "register.sqlite"]


def test_only_batch_temporaries_are_cleaned_not_other_programs(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    theirs = [out / ".certificates-0001.pdf.0123456789ab.tmp", out / ".notes.txt.0123456789ab.tmp"]
    for path in theirs:
        path.write_bytes(b"another program's file being written")
    dead_job = (
        out / ".certificates-0001.pdf.job-0123456789ab-0123456789ab.tmp"
    )  # a batch job's, its lock gone
    dead_job.write_bytes(b"%PDF- left by a killed batch")
    render_batch(SAMPLE_SPEC, holders_file(tmp_path, 2), out, workers=1)
    assert all(path.exists() for path in theirs) and not dead_job.exists()


def test_a_bad_row_stops_the_printing_at_once_and_every_bad_row_is_listed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import certgen.batch as batch_module

    holders = holders_file(tmp_path, 20000)
    lines = holders.read_text(encoding="utf-8").splitlines()
    lines[2] = '"HOLDER 2 & CO.",many,2026-11-23'  # row 2 of 20,000
    lines[19999] = '"HOLDER 19999 & CO.",-5,2026-11-23'
    holders.write_text("\n".join(lines) + "\n", encoding="utf-8")
    printed = []
    render_file = batch_module._render_file
    monkeypatch.setattr(
        batch_module,
        "_render_file",
        lambda issue, task: printed.append(task.path) or render_file(issue, task),
    )
    out = tmp_path / "out"
    with pytest.raises(certgen.ValidationError) as refused:
        render_batch(SAMPLE_SPEC, holders, out, workers=1)
    assert printed == [str(out.resolve() / "certificates-0001.pdf")]  # the first file only, not 40
    rows = sorted(f.row for f in refused.value.findings)
    assert rows == [3, 20000], refused.value.findings  # file rows (the header is row 1)
    assert not list(out.glob("certificates-*")) and not [p for p in out.iterdir() if p.name.startswith(".")]


@pytest.mark.slow
@pytest.mark.parametrize("numbered", [False, True])
def test_a_long_batch_keeps_nothing_in_memory_per_certificate(
    tmp_path: Path, numbered: bool, spec_data: dict[str, Any], write_spec: Any
) -> None:
    """The rows checked wait on disk for the register, repeated numbers are looked for on disk,
    the control report is counted as the files come back: four times the certificates take no
    more memory (Python's own, traced at its peak) than a quarter of them (a long run's used
    about 700 bytes more per certificate)."""
    import tracemalloc

    spec_data.pop("qr")  # its code is drawn by many small allocations, slow to trace
    spec = write_spec(spec_data)

    def peak(count: int, name: str) -> int:
        holders = holders_file(tmp_path, count, numbered=numbered, name=f"{name}.csv")
        tracemalloc.start()
        try:
            render_batch(
                spec, holders, tmp_path / name, register=tmp_path / name / "register.sqlite", workers=1
            )
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    # The issue's fonts, and the bounded caches of numbers and text widths (up to 8,192 entries
    # a cache, filled by the amounts and positions the large run will meet): a cache that stops
    # growing is not memory kept per certificate.
    peak(2_000, "warm")
    small, large = peak(500, "small"), peak(2_000, "large")
    assert large - small < 300_000, f"{(large - small) / 1_500:.0f} bytes more per certificate"


def test_a_new_register_beside_one_that_numbers_the_security_is_refused(
    tmp_path: Path, spec_data: dict[str, Any], write_spec: Any
) -> None:
    """The second run of a security into a new folder, without --register: its new, empty
    register would know none of the numbers printed before, so it allocated PB-000001 again
    (or took a holder file's used numbers unchecked).  Refused, naming the register beside it
    and the fix; nothing is printed.  With that register, numbers follow on; naming a new
    register is the operator's choice; another security's register beside it is no reason."""
    first = holders_file(tmp_path, 3)
    render_batch(SAMPLE_SPEC, first, tmp_path / "run1", workers=1)
    second = holders_file(tmp_path, 2, name="new-holders.csv", start=4)
    run2 = tmp_path / "run2"
    command = certgen_command("batch", SAMPLE_SPEC, "--holders", second)
    refused = subprocess.run([*command, "--out", str(run2), "--workers", "1"], capture_output=True, text=True)
    assert refused.returncode == 1
    line = refused.stderr.strip()
    assert len(line.splitlines()) == 1 and "Traceback" not in line
    assert f"give --register {tmp_path / 'run1' / 'register.sqlite'}" in line
    assert "numbers this security (3 certificates)" in line
    assert sorted(p.name for p in run2.iterdir()) == []  # nothing printed
    with pytest.raises(RegisterError, match="already numbers this security"):
        render_batch(SAMPLE_SPEC, second, run2, workers=2)
    assert sorted(p.name for p in run2.iterdir()) == []
    # With the first run's register: the numbers follow on.
    shared = subprocess.run(
        [*command, "--out", str(run2), "--register", str(tmp_path / "run1" / "register.sqlite")],
        capture_output=True,
        text=True,
    )
    assert shared.returncode == 0, shared.stderr
    manifest = json.loads((run2 / "manifest.json").read_text(encoding="utf-8"))
    assert [c["number"] for c in manifest["certificates"]] == ["PB-000004", "PB-000005"]
    # A register named on purpose, even a new one, is the operator's choice.
    run3 = tmp_path / "run3"
    render_batch(SAMPLE_SPEC, second, run3, register=run3 / "register.sqlite", workers=1)
    assert (run3 / "register.sqlite").is_file()
    # Another security (another CUSIP) beside it is no reason to refuse.
    spec_data["security"]["cusip"] = "037833100"
    other = write_spec(spec_data)
    result = render_batch(other, holders_file(tmp_path, 1, name="other.csv"), tmp_path / "run4", workers=1)
    assert result.first_number == "PB-000001"


def test_a_new_register_beside_a_run_of_the_security_still_printing_is_refused(tmp_path: Path) -> None:
    """A run records its certificates when every file is printed: until then (minutes on a long
    run) its register holds the security and the running job but no certificate, and a second
    run into a folder beside it, without --register, allocated PB-000001 again.  Refused; a run
    that stopped with an error (the security added, nothing running) is no reason."""
    from certgen.batch import _security_key
    from certgen.batch.lock import FolderLock
    from certgen.spec import load_spec

    run1, run2 = tmp_path / "run1", tmp_path / "run2"
    run1.mkdir()
    key = _security_key(load_spec(SAMPLE_SPEC))
    with Register(run1 / "register.sqlite") as reg:
        with reg.transaction() as conn:
            reg._security_id(conn, key, "Thornburg", "Series B", "PB-")
        # A run that failed (nothing running, no certificate): the next may go beside it.
        result = render_batch(SAMPLE_SPEC, holders_file(tmp_path, 1), tmp_path / "after-a-failure", workers=1)
        assert result.first_number == "PB-000001"
        shutil.rmtree(tmp_path / "after-a-failure")
        FolderLock(run1, "0" * 64).record(reg)  # the first run is printing
    with pytest.raises(RegisterError, match=r"register\.sqlite beside this folder .*printing this security"):
        render_batch(SAMPLE_SPEC, holders_file(tmp_path, 2, name="second.csv"), run2, workers=1)
    assert not (run2 / "register.sqlite").exists()


@pytest.mark.parametrize("place", ["link", "inside", "around"])
def test_a_new_register_near_one_that_numbers_the_security_is_refused(tmp_path: Path, place: str) -> None:
    """The earlier run's register is found however the new folder sits beside it: a folder that
    is a link to a disk elsewhere (runs/run2 -> /big/run2: the folder beside it was looked for
    on /big), a folder inside the earlier run's (runs/run1/again), or the folder holding it
    (--out runs after --out runs/run1).  Each printed PB-000001 again."""
    runs = tmp_path / "runs"
    render_batch(SAMPLE_SPEC, holders_file(tmp_path, 3), runs / "run1", workers=1)
    if place == "link":
        (tmp_path / "big" / "run2").mkdir(parents=True)
        (runs / "run2").symlink_to(tmp_path / "big" / "run2", target_is_directory=True)
        out = runs / "run2"
    else:
        out = runs / "run1" / "again" if place == "inside" else runs
    with pytest.raises(
        RegisterError, match=r"run1/register\.sqlite (beside this folder|in .* this one) already numbers"
    ):
        render_batch(SAMPLE_SPEC, holders_file(tmp_path, 2, name="second.csv"), out, workers=1)
    assert not (out / "register.sqlite").exists()


def test_a_new_register_beside_a_run_of_the_security_just_started_is_refused(tmp_path: Path) -> None:
    """Two runs of a security started at once into folders beside each other (a script starting
    one per holder file): for its first moments a run has its folder's lock and no register yet,
    so the other found no register beside it and both printed PB-000001.  A run's lock names
    the security and its register, and the batch looks beside it once it holds its own lock:
    of two runs starting at once, one at least is refused.  A lock left by a run that has ended
    is no reason."""
    from certgen.batch import _security_key
    from certgen.batch.lock import LOCK_NAME
    from certgen.spec import load_spec

    run1, run2 = tmp_path / "run1", tmp_path / "run2"
    run1.mkdir()
    figures = {
        "job_key": "0" * 64,
        "host": socket.gethostname(),
        "started_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "security": _security_key(load_spec(SAMPLE_SPEC)),
        "register": str(run1 / "register.sqlite"),
    }
    holders = holders_file(tmp_path, 2)
    command = certgen_command("batch", SAMPLE_SPEC, "--holders", holders, "--workers", "1")
    import fcntl

    with open(run1 / LOCK_NAME, "w", encoding="utf-8") as lock:  # the first run, just started
        fcntl.flock(lock, fcntl.LOCK_EX)
        lock.write(json.dumps({**figures, "pid": os.getpid()}))
        lock.flush()
        refused = subprocess.run([*command, "--out", str(run2)], capture_output=True, text=True)
    assert refused.returncode == 1, refused.stderr
    line = refused.stderr.strip()
    assert len(line.splitlines()) == 1 and "Traceback" not in line
    assert f"the batch running in {run1} (pid {os.getpid()}) prints this security" in line
    assert f"give --register {run1 / 'register.sqlite'}" in line
    assert not (run2 / "register.sqlite").exists() and not (run2 / LOCK_NAME).exists()
    # The lock file of a run that has ended (killed: its process is gone): no reason.
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    (run1 / LOCK_NAME).write_text(json.dumps({**figures, "pid": int(ended.stdout)}), encoding="utf-8")
    done = subprocess.run([*command, "--out", str(run2)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def _dies(task: Any) -> Any:
    """A worker killed as it renders (the out-of-memory killer, kill -9)."""
    os._exit(137)


def test_a_worker_killed_mid_run_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A rendering process that dies ended the batch with concurrent.futures' BrokenProcessPool
    traceback; it is one line naming the file and the fix, and nothing is left in the folder."""
    import certgen.batch

    monkeypatch.setattr(certgen.batch, "_render_in_worker", _dies)  # forked workers inherit it
    out = tmp_path / "out"
    with pytest.raises(
        RenderError, match=r"a rendering process ended abruptly while printing certificates-0001\.pdf"
    ):
        render_batch(
            SAMPLE_SPEC, holders_file(tmp_path, 4), out, options=BatchOptions(chunk_size=1), workers=2
        )
    assert [
        p.name for p in out.iterdir() if p.name != "register.sqlite" and not p.name.startswith("register.")
    ] == []


def test_the_summary_counts_in_words_that_agree(tmp_path: Path) -> None:
    """One certificate in one file is said so ("1 certificates in 1 files" read as a slip)."""
    holders = holders_file(tmp_path, 1)
    command = certgen_command("batch", SAMPLE_SPEC, "--holders", holders)
    done = subprocess.run(
        [*command, "--out", str(tmp_path / "one"), "--workers", "1"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "certgen: rendered certificates-0001.pdf (1/1 certificate)" in done.stderr
    assert "batch 1: 1 certificate (PB-000001 to PB-000001) in 1 file in " in done.stderr
    again = subprocess.run(
        [*command, "--out", str(tmp_path / "one"), "--workers", "1"], capture_output=True, text=True
    )
    assert "is already finished: 1 certificate in 1 file in " in again.stderr


def test_a_register_left_by_a_refused_run_does_not_excuse_the_check(tmp_path: Path) -> None:
    """run2 refused for a bad row (its register made, empty), then run1 printed, then run2 again
    with the row fixed and no --register: its own register file let it skip the check for
    earlier runs' registers, and it printed PB-000001 again."""
    bad = tmp_path / "bad.csv"
    good = holders_file(tmp_path, 2)
    lines = good.read_text(encoding="utf-8").splitlines()
    bad.write_text(
        "\n".join([lines[0], lines[1].replace(",100,", ",twelve,", 1), *lines[2:]]) + "\n", encoding="utf-8"
    )
    assert ",twelve," in bad.read_text(encoding="utf-8")
    run2 = tmp_path / "run2"
    with pytest.raises(ValidationError):
        render_batch(SAMPLE_SPEC, bad, run2, workers=1)
    assert (run2 / "register.sqlite").is_file()
    render_batch(SAMPLE_SPEC, good, tmp_path / "run1", workers=1)
    with pytest.raises(
        RegisterError, match=r"run1/register.sqlite beside this folder already numbers this security"
    ):
        render_batch(SAMPLE_SPEC, good, run2, workers=1)
    assert not list(run2.glob("*.pdf"))
    # A register that numbers the security is the folder's own job's: run again, nothing changes.
    again = render_batch(SAMPLE_SPEC, good, tmp_path / "run1", workers=1)
    assert again.already_done
