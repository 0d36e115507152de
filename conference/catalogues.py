"""The message catalogues: extraction, update, compilation and the completeness check, in one place.

`babel.cfg` says which files hold messages (Python, page templates, mail templates); `KEYWORDS` says which
calls mark them. The Makefile (`make translations`, `make translations-compile`), CI and the tests
(tests/test_catalogues.py) all call this module, so no second list of keywords can drift:

    python -m conference.catalogues extract   # translations/messages.pot from the sources
    python -m conference.catalogues update    # extract, then merge the template into every catalogue
    python -m conference.catalogues compile   # every messages.po -> messages.mo (not committed)
    python -m conference.catalogues check     # every catalogue complete: nothing missing, empty or fuzzy
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
TEMPLATE = TRANSLATIONS / "messages.pot"
SOURCE_LANGUAGE = "en"

# Babel's defaults (_, gettext, ngettext, pgettext, npgettext, N_, ...) and Flask-Babel's lazy forms.
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "_l": None,
    "lazy_gettext": None,
    "lazy_ngettext": (1, 2),
    "lazy_pgettext": ((1, "c"), 2),
}
COMMENT_TAGS = ("Translators:",)
PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|\{(\w+)\}")


def extract(root: Path = ROOT) -> Catalog:
    """The messages of the sources under `root`, as babel.cfg maps them."""
    with (root / "babel.cfg").open(encoding="utf-8") as mapping:
        method_map, options_map = parse_mapping_cfg(mapping)
    catalog = Catalog(project="conference", version="", charset="utf-8", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(root),
        method_map,
        options_map,
        keywords=KEYWORDS,
        comment_tags=COMMENT_TAGS,
        strip_comment_tags=True,
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def _write(path: Path, data: bytes) -> None:
    """Write atomically: test processes may compile the same catalogue at once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    os.replace(tmp, path)


def _po_bytes(catalog: Catalog, **options: object) -> bytes:
    from io import BytesIO

    buffer = BytesIO()
    write_po(buffer, catalog, width=100, **options)
    return buffer.getvalue()


def write_template(catalog: Catalog, path: Path = TEMPLATE) -> None:
    _write(path, _po_bytes(catalog, omit_header=False))


def catalogue_paths(translations: Path = TRANSLATIONS) -> Iterator[tuple[str, Path]]:
    """(language, messages.po) for every catalogue present."""
    for po in sorted(translations.glob("*/LC_MESSAGES/messages.po")):
        yield po.parent.parent.name, po


def read_catalogue(path: Path, language: str) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=language)


def update(template: Catalog, translations: Path = TRANSLATIONS) -> None:
    """Merge the template into every catalogue: new messages come in empty, changed ones fuzzy."""
    for language, po in catalogue_paths(translations):
        catalog = read_catalogue(po, language)
        catalog.update(template)
        _write(po, _po_bytes(catalog, ignore_obsolete=True))


def compile_all(translations: Path = TRANSLATIONS) -> list[Path]:
    """messages.po -> messages.mo for every catalogue (fuzzy entries are left out, as gettext does)."""
    from io import BytesIO

    written = []
    for language, po in catalogue_paths(translations):
        buffer = BytesIO()
        write_mo(buffer, read_catalogue(po, language))
        mo = po.with_suffix(".mo")
        _write(mo, buffer.getvalue())
        written.append(mo)
    return written


def placeholders(text: str) -> set[str]:
    return {a or b for a, b in PLACEHOLDER.findall(text)}


def _ids(message: Message) -> tuple[str, ...]:
    return message.id if isinstance(message.id, tuple) else (message.id,)


def _strings(message: Message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def problems(catalog: Catalog, template: Catalog) -> list[str]:
    """What keeps `catalog` from being complete against `template`: messages missing, empty or fuzzy,
    placeholders that differ from the English, and Babel's own format checks."""
    found = []
    language = str(catalog.locale)
    for wanted in template:
        if not wanted.id:
            continue
        message = catalog.get(wanted.id, wanted.context)
        label = f"{language}: {_ids(wanted)[0]!r}"
        if message is None:
            found.append(f"{label} is missing")
            continue
        if message.fuzzy:
            found.append(f"{label} is fuzzy")
        strings = _strings(message)
        if not all(strings):
            found.append(f"{label} is not translated")
            continue
        ids = _ids(wanted)
        for index, string in enumerate(strings):
            # A language with one plural form covers every number with it: it names what the plural names.
            expected = placeholders(
                ids[-1] if (len(ids) > 1 and (index > 0 or len(strings) == 1)) else ids[0]
            )
            if placeholders(string) != expected:
                found.append(
                    f"{label}: placeholders {sorted(placeholders(string))} instead of {sorted(expected)}"
                )
    for message, errors in catalog.check():
        found.extend(f"{language}: {_ids(message)[0]!r}: {error}" for error in errors)
    return found


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else ""
    if command == "extract":
        write_template(extract())
    elif command == "update":
        template = extract()
        write_template(template)
        update(template)
    elif command == "compile":
        for mo in compile_all():
            print(f"compiled {mo.relative_to(ROOT)}")
    elif command == "check":
        template = extract()
        found = [
            p for language, po in catalogue_paths() for p in problems(read_catalogue(po, language), template)
        ]
        print("\n".join(found) or "every catalogue is complete")
        return 1 if found else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
