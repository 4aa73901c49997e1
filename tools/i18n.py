"""Refresh the translation sources from the code, then compile them.

    .venv/bin/python tools/i18n.py            # update the .ts files and compile the .qm files
    .venv/bin/python tools/i18n.py update     # only extract strings into the .ts files
    .venv/bin/python tools/i18n.py release    # only compile .ts -> .qm
    .venv/bin/python tools/i18n.py check      # list messages still untranslated in Russian

Strings are extracted from operator_app/**/*.py (except code generated from .ui files, which
is extracted from ui/*.ui itself) with pyside6-lupdate and compiled with pyside6-lrelease,
both shipped by PySide6-Essentials.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
I18N_DIR = ROOT / "resources" / "i18n"
LANGUAGES = ("ru", "en")
GENERATED_FORMS = ROOT / "operator_app" / "gui" / "forms"


def tool(name: str) -> str:
    beside_python = Path(sys.executable).with_name(name)
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} not found: install PySide6-Essentials into this environment")
    return found


def ts_file(language: str) -> Path:
    return I18N_DIR / f"operator_app_{language}.ts"


def sources() -> list[Path]:
    python = [
        path
        for path in sorted((ROOT / "operator_app").rglob("*.py"))
        if GENERATED_FORMS not in path.parents and "_bundled" not in path.parts
    ]
    return python + sorted((ROOT / "ui").glob("*.ui"))


def update() -> None:
    I18N_DIR.mkdir(parents=True, exist_ok=True)
    files = [str(path.relative_to(ROOT)) for path in sources()]
    for language in LANGUAGES:
        subprocess.run(
            [
                tool("pyside6-lupdate"),
                *files,
                "-no-obsolete",
                "-locations",
                "relative",
                "-source-language",
                "en",
                "-target-language",
                language,
                "-ts",
                str(ts_file(language).relative_to(ROOT)),
            ],
            cwd=ROOT,
            check=True,
        )


def release() -> None:
    for language in LANGUAGES:
        source = ts_file(language)
        subprocess.run(
            [tool("pyside6-lrelease"), str(source), "-qm", str(source.with_suffix(".qm"))],
            cwd=ROOT,
            check=True,
        )


def untranslated(language: str) -> list[tuple[str, str]]:
    """(context, source) of every message without a finished translation."""
    tree = ET.parse(ts_file(language))
    missing = []
    for context in tree.getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            translation = message.find("translation")
            if translation is None or translation.get("type") in ("unfinished", "vanished"):
                missing.append((name, message.findtext("source", "")))
    return missing


def check() -> int:
    missing = untranslated("ru")
    for context, source in missing:
        print(f"{context}: {source}")
    print(f"{len(missing)} message(s) untranslated in Russian")
    return 1 if missing else 0


def main(argv: list[str]) -> int:
    action = argv[0] if argv else "all"
    if action in ("update", "all"):
        update()
    if action in ("release", "all"):
        release()
    if action == "check":
        return check()
    if action not in ("update", "release", "all", "check"):
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
