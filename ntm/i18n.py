"""Translations without GNU gettext: compile the .po catalogues, list what is untranslated.

The Vietnamese source strings are the msgids; ``ntm/locale/<lang>/LC_MESSAGES/django.po``
holds the translations. ``python -m ntm.i18n`` compiles every catalogue into the ``.mo``
file Django reads (``make install`` runs it); ``--check`` also fails when a string used in
the code has no translation, and ``--update`` adds such strings to the catalogues, empty,
for a translator to fill. ``manage.py makemessages`` gives the same strings where GNU
gettext is installed; this module only needs polib.
"""

from __future__ import annotations

import argparse
import ast
import io
import sys
import tokenize
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

import polib

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
LOCALE_DIR = PACKAGE_DIR / "locale"
# Where translatable strings live: the package and the settings (language names).
SOURCE_DIRS = (PACKAGE_DIR, PROJECT_DIR / "config")
SKIPPED_PARTS = {"migrations", "tests", "__pycache__", "locale", "static"}

# Call name -> (positions of context, singular, plural) in its arguments.
SIGNATURES: dict[str, tuple[int | None, int, int | None]] = {
    "_": (None, 0, None),
    "gettext": (None, 0, None),
    "gettext_lazy": (None, 0, None),
    "gettext_noop": (None, 0, None),
    "ngettext": (None, 0, 1),
    "ngettext_lazy": (None, 0, 1),
    "pgettext": (0, 1, None),
    "pgettext_lazy": (0, 1, None),
    "npgettext": (0, 1, 2),
    "npgettext_lazy": (0, 1, 2),
}


class Message(NamedTuple):
    """A translatable string as gettext keys it."""

    context: str
    msgid: str
    plural: str


def compile_messages(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Write ``django.mo`` beside every ``django.po``; fuzzy entries are left out, as msgfmt does."""
    written = []
    for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/django.po")):
        mo_path = po_path.with_suffix(".mo")
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        written.append(mo_path)
    return written


def find_messages(source_dirs: Iterable[Path] = SOURCE_DIRS) -> dict[Message, list[str]]:
    """Every translatable string in Python files and templates, with where it is used."""
    found: dict[Message, list[str]] = {}
    for path in _source_files(source_dirs):
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".py":
            messages = list(_python_messages(text))
        else:
            messages = list(_template_messages(text, str(path)))
        where = (
            str(path.relative_to(PROJECT_DIR)) if path.is_relative_to(PROJECT_DIR) else str(path)
        )
        for message in messages:
            found.setdefault(message, []).append(where)
    return found


def untranslated(po_path: Path, messages: Iterable[Message]) -> list[Message]:
    """The messages that the catalogue lacks or leaves empty or fuzzy."""
    catalogue = polib.pofile(str(po_path))
    done = {
        Message(e.msgctxt or "", e.msgid, e.msgid_plural or "")
        for e in catalogue
        if not e.obsolete and not e.fuzzy and _is_translated(e)
    }
    return sorted(m for m in messages if m not in done)


def update_catalogue(po_path: Path, messages: dict[Message, list[str]]) -> int:
    """Bring the catalogue up to the code: add the messages it lacks (untranslated), point
    every entry at the files that use it now, and mark obsolete (``#~``, kept with its
    translation, as ``msgmerge`` does) an entry no file uses any more, or revive it when
    one does again. Returns how many were added."""
    catalogue = polib.pofile(str(po_path))
    present = {}
    for entry in catalogue:
        message = Message(entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")
        present[message] = entry
        places = messages.get(message)
        entry.obsolete = places is None
        entry.occurrences = [(place, "") for place in sorted(set(places or ()))]
    added = 0
    for message, places in sorted(messages.items()):
        if message in present:
            continue
        entry = polib.POEntry(
            msgid=message.msgid,
            msgctxt=message.context or None,
            occurrences=[(place, "") for place in sorted(set(places))],
        )
        if message.plural:
            entry.msgid_plural = message.plural
            entry.msgstr_plural = {0: "", 1: ""}
        catalogue.append(entry)
        added += 1
    catalogue.save(str(po_path))
    return added


def _is_translated(entry: polib.POEntry) -> bool:
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def _source_files(source_dirs: Iterable[Path]) -> Iterator[Path]:
    for directory in source_dirs:
        for path in sorted(directory.rglob("*")):
            relative = path.relative_to(directory).parts
            if SKIPPED_PARTS.intersection(relative[:-1]) or not path.is_file():
                continue
            if path.suffix == ".py" or (
                path.suffix in {".html", ".txt"} and "templates" in relative
            ):
                yield path


def _python_messages(source: str) -> Iterator[Message]:
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name not in SIGNATURES:
            continue
        literals = [a.value if isinstance(a, ast.Constant) else None for a in node.args]
        message = _message(SIGNATURES[name], literals)
        if message:
            yield message


def _template_messages(source: str, origin: str) -> Iterator[Message]:
    """Django's own template-to-gettext conversion (as makemessages uses), then its calls."""
    from django.utils.translation.template import templatize

    # Only the calls matter: strip the indentation of the blanked-out markup around them.
    code = "\n".join(line.lstrip() for line in templatize(source, origin).splitlines())
    tokens = [
        t
        for t in tokenize.generate_tokens(io.StringIO(code).readline)
        if t.type not in {tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT}
    ]
    for i, token in enumerate(tokens[:-1]):
        if token.type != tokenize.NAME or token.string not in SIGNATURES:
            continue
        if tokens[i + 1].string != "(":
            continue
        literals: list[str | None] = []
        for argument in tokens[i + 2 :]:
            if argument.string == ")":
                break
            if argument.type == tokenize.STRING:
                literals.append(ast.literal_eval(argument.string))
            elif argument.type == tokenize.NAME:
                literals.append(None)
        message = _message(SIGNATURES[token.string], literals)
        if message:
            yield message


def _message(
    signature: tuple[int | None, int, int | None], literals: list[str | None]
) -> Message | None:
    context_at, singular_at, plural_at = signature

    def literal(position: int | None) -> str | None:
        if position is None:
            return ""
        if position >= len(literals) or not isinstance(literals[position], str):
            return None
        return literals[position]

    context, msgid, plural = literal(context_at), literal(singular_at), literal(plural_at)
    if context is None or not msgid or plural is None:
        return None
    return Message(context, msgid, plural)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ntm.i18n", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="fail if a string in the code has no translation"
    )
    parser.add_argument(
        "--update", action="store_true", help="add new strings to the catalogues, untranslated"
    )
    args = parser.parse_args(argv)
    if args.check or args.update:
        _setup_django()
        messages = find_messages()
        status = 0
        for po_path in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/django.po")):
            if args.update:
                print(f"{po_path}: {update_catalogue(po_path, messages)} new strings")
            missing = untranslated(po_path, messages)
            language = po_path.parent.parent.name
            for message in missing:
                print(f"{language}: untranslated {message.msgid!r} ({messages[message][0]})")
            status = status or int(bool(missing))
        if status:
            return status
    for mo_path in compile_messages():
        print(f"compiled {mo_path.relative_to(PROJECT_DIR)}")
    return 0


def _setup_django() -> None:
    """Templatizing needs Django's template lexer, which needs settings."""
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()


if __name__ == "__main__":
    sys.exit(main())
