"""`operator-app scripts import FILE` / `scripts export DIR` end to end, malformed files too."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from operator_app.cli import main
from operator_app.core.scripts_format import load_script
from operator_app.resources import resource_path
from operator_app.storage.database import Database
from operator_app.storage.models import ScriptVersion, User

SHIPPED = sorted(resource_path("scripts").glob("*.yaml"))
CREDIT = resource_path("scripts", "credit_broker_visit.ru.yaml")

MINIMAL = """\
name: Мини
version: 1
language: ru
stages:
  - kind: contact
    steps:
      - id: hello
        text: Здравствуйте!
        answers:
          - label: Да
            next: bye
  - kind: closing
    steps:
      - id: bye
        text: До свидания!
"""


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["scripts", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_import_adds_versions_and_export_writes_one_file_per_script(
    db: Database, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for path in SHIPPED:
        code, out, err = run(capsys, "import", str(path), "--db", db.url)
        assert (code, err) == (0, "")
        name = load_script(path.read_text(encoding="utf-8")).name
        assert out == f"Imported «{name}» from {path.name} as version 1\n"
    code, out, _err = run(capsys, "import", str(CREDIT), "--db", db.url)
    assert code == 0 and out.endswith("as version 2\n")

    out_dir = tmp_path / "exported"
    code, out, err = run(capsys, "export", str(out_dir), "--db", db.url)
    assert (code, err) == (0, "")
    files = sorted(out_dir.iterdir())
    assert len(files) == len(SHIPPED)
    assert out.splitlines()[-1] == f"Exported {len(SHIPPED)} script(s) to {out_dir}"
    originals = {
        doc.name: doc for doc in (load_script(p.read_text(encoding="utf-8")) for p in SHIPPED)
    }
    for path in files:
        exported = load_script(path.read_text(encoding="utf-8"))
        assert exported.stages == originals[exported.name].stages
        assert str(path) in out


def test_the_import_is_recorded_as_made_by_the_first_active_admin(
    db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    with db.session() as session:
        admin = User(login="root", display_name="Root", role="admin", password_hash="-")
        session.add(admin)
        session.flush()
        admin_id = admin.id
    assert run(capsys, "import", str(CREDIT), "--db", db.url)[0] == 0
    with db.session() as session:
        assert session.scalar(select(ScriptVersion.created_by_id)) == admin_id


def test_export_of_an_empty_database_writes_nothing(
    db: Database, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _err = run(capsys, "export", str(tmp_path / "none"), "--db", db.url)
    assert code == 0
    assert out == f"Exported 0 script(s) to {tmp_path / 'none'}\n"


MALFORMED = [
    pytest.param(
        MINIMAL.replace("          - label: Да\n", "          - label: [Да\n"),
        11,  # where the reader gave up; the reason names line 10, where the list opened
        "not valid YAML: did not find expected ',' or ']' (while parsing a flow sequence on line 10)",
        id="bad-yaml",
    ),
    pytest.param(
        MINIMAL.replace("        text: Здравствуйте!\n", ""),
        7,
        "missing the key 'text'",
        id="missing-key",
    ),
    pytest.param(
        MINIMAL.replace("kind: closing", "kind: farewell"),
        12,
        "unknown stage kind 'farewell'",
        id="unknown-stage-kind",
    ),
    pytest.param(
        MINIMAL.replace("next: bye", "next: good_bye"),
        11,
        "next: 'good_bye' is not the id of any step",
        id="dangling-next",
    ),
    pytest.param(
        MINIMAL.replace(
            "        text: До свидания!\n", "        text: До свидания!\n        spin: X\n"
        ),
        16,
        "spin 'X' is not one of S, P, I, N",
        id="bad-spin",
    ),
]


@pytest.mark.parametrize(("text", "line", "reason"), MALFORMED)
def test_a_malformed_file_is_refused_in_one_line_with_its_line_and_reason(
    sqlite_db: Database,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    text: str,
    line: int,
    reason: str,
) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "import", str(path), "--db", sqlite_db.url)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith(f"operator-app: {path}: line {line}: ")
    assert reason in err
    assert "Traceback" not in err
    with sqlite_db.session() as session:
        assert session.scalar(select(ScriptVersion.id)) is None


def test_a_missing_file_or_a_file_in_place_of_the_folder_exits_2(
    sqlite_db: Database, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _out, err = run(capsys, "import", str(tmp_path / "nope.yaml"), "--db", sqlite_db.url)
    assert (code, err) == (2, f"operator-app: {tmp_path / 'nope.yaml'}: no such file\n")
    a_file = tmp_path / "file.txt"
    a_file.write_text("x", encoding="utf-8")
    code, _out, err = run(capsys, "export", str(a_file), "--db", sqlite_db.url)
    assert (code, err) == (2, f"operator-app: {a_file}: this is a file, not a folder\n")


def test_both_actions_are_required_and_documented(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["scripts"])
    assert exited.value.code == 2
    with pytest.raises(SystemExit):
        main(["scripts", "--help"])
    help_text = capsys.readouterr().out
    assert "export" in help_text and "import" in help_text
