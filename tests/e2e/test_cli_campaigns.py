"""`operator-app campaigns export DIR` / `campaigns import FILE` end to end, bad files too."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from operator_app.cli import main
from operator_app.resources import resource_path
from operator_app.storage.database import Database
from operator_app.storage.models import Campaign, CriteriaSet

PRESETS = sorted(resource_path("campaigns").glob("*.yaml"))
SCRIPTS = sorted(resource_path("scripts").glob("*.ru.yaml"))
CREDIT = resource_path("campaigns", "credit_broker.yaml")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_export_then_import_round_trips_every_preset(
    db: Database, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for script in SCRIPTS:
        assert run(capsys, "scripts", "import", str(script), "--db", db.url)[0] == 0
    for path in PRESETS:
        code, out, err = run(capsys, "campaigns", "import", str(path), "--db", db.url)
        assert (code, err) == (0, "")
        assert out.startswith("Created «") and out.endswith(
            f"from {path.name}: criteria version 1 (new)\n"
        )
    first = tmp_path / "first"
    code, out, err = run(capsys, "campaigns", "export", str(first), "--db", db.url)
    assert (code, err) == (0, "")
    assert out.splitlines()[-1] == f"Exported {len(PRESETS)} campaign(s) to {first}"
    exported = sorted(first.iterdir())
    assert sorted(p.read_text(encoding="utf-8") for p in exported) == sorted(
        p.read_text(encoding="utf-8") for p in PRESETS
    )
    for path in exported:
        code, out, _err = run(capsys, "campaigns", "import", str(path), "--db", db.url)
        assert code == 0 and out.startswith("Updated «") and "(unchanged)" in out
    second = tmp_path / "second"
    assert run(capsys, "campaigns", "export", str(second), "--db", db.url)[0] == 0
    for path in exported:
        assert (second / path.name).read_text(encoding="utf-8") == path.read_text(encoding="utf-8")
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(CriteriaSet)) == len(PRESETS)


@pytest.mark.parametrize(
    ("old", "new", "line", "reason"),
    [
        ("model: two-step", "model: 2-step", 2, "model '2-step' is not one of one-step, two-step"),
        ("  sat: ['10:00-18:00']", "  sat: ['10:00-08:00']", 16, "ends before it starts"),
        ("less_than: 21", "less_than: двадцать один", 119, "less_than must be a number"),
        ("name: Кредитный", "name: [Кредитный", 2, "not valid YAML"),
    ],
)
def test_a_malformed_file_is_refused_in_one_line_with_its_line_and_reason(
    sqlite_db: Database,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    old: str,
    new: str,
    line: int,
    reason: str,
) -> None:
    text = CREDIT.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "broken.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    code, out, err = run(capsys, "campaigns", "import", str(path), "--db", sqlite_db.url)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"operator-app: {path}: line {line}: ")
    assert reason in err
    with sqlite_db.session() as session:
        assert session.scalar(select(func.count()).select_from(Campaign)) == 0


def test_a_missing_script_a_missing_file_and_a_file_for_a_folder_exit_2(
    sqlite_db: Database, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _out, err = run(capsys, "campaigns", "import", str(CREDIT), "--db", sqlite_db.url)
    assert code == 2
    assert err.startswith(f"operator-app: {CREDIT}: there is no script named «")
    missing = tmp_path / "nope.yaml"
    code, _out, err = run(capsys, "campaigns", "import", str(missing), "--db", sqlite_db.url)
    assert (code, err) == (2, f"operator-app: {missing}: no such file\n")
    a_file = tmp_path / "file.txt"
    a_file.write_text("x", encoding="utf-8")
    code, _out, err = run(capsys, "campaigns", "export", str(a_file), "--db", sqlite_db.url)
    assert (code, err) == (2, f"operator-app: {a_file}: this is a file, not a folder\n")


def test_a_bad_database_url_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _out, err = run(capsys, "campaigns", "export", str(tmp_path), "--db", "nosuch://x")
    assert code == 2 and err.startswith("operator-app: --db: ") and err.count("\n") == 1


def test_both_actions_are_required_and_documented(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["campaigns"])
    assert exited.value.code == 2
    with pytest.raises(SystemExit):
        main(["campaigns", "--help"])
    help_text = capsys.readouterr().out
    assert "export" in help_text and "import" in help_text
