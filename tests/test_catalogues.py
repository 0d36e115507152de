"""The message catalogues: extracted afresh from the sources, every catalogue present must be complete.

English is the source language (it has no catalogue). Every other directory under translations/ (ja, and ko
and th when they land) is checked: no message missing, empty or fuzzy, the same placeholders as the English.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from conference.catalogues import (
    ROOT,
    TEMPLATE,
    catalogue_paths,
    compile_all,
    extract,
    placeholders,
    problems,
    read_catalogue,
)
from conference.config import load_config


@pytest.fixture(scope="module")
def template() -> Catalog:
    return extract()


def _ids(catalog: Catalog) -> set:
    return {(m.context, m.id) for m in catalog if m.id}


CATALOGUES = list(catalogue_paths())


def test_there_is_a_catalogue_for_japanese():
    assert "ja" in [language for language, _ in CATALOGUES]


@pytest.mark.parametrize(("language", "po"), CATALOGUES, ids=[language for language, _ in CATALOGUES])
def test_every_catalogue_is_complete(template: Catalog, language: str, po: Path):
    found = problems(read_catalogue(po, language), template)
    assert found == [], (
        f"{len(found)} problems in {language} (run `make translations`, then translate):\n"
        + "\n".join(found[:40])
    )


def test_every_catalogue_is_a_language_the_site_offers(tmp_path: Path):
    offered = load_config(str(tmp_path), {"SECRET_KEY": "x" * 40, "TESTING": True})["LANGUAGES"]
    assert offered[0] == "en"
    assert {language for language, _ in CATALOGUES} <= set(offered)


def test_the_committed_template_is_current(template: Catalog):
    """translations/messages.pot is what translators work from: `make translations` keeps it current."""
    with TEMPLATE.open("rb") as f:
        committed = read_po(f)
    assert _ids(committed) == _ids(template), "translations/messages.pot is stale: run `make translations`"


def test_extraction_finds_lazy_strings_plurals_contexts_and_mail_templates(template: Catalog):
    ids = _ids(template)
    assert (None, "Panel discussion") in ids  # _l() in conference/labels.py
    assert (None, "Choose a country from the list.") in ids  # _l() in a form validator
    assert (None, ("%(num)s seat left", "%(num)s seats left")) in ids  # ngettext in a page template
    assert (None, ("%(num)s event", "%(num)s events")) in ids  # was "1 events"
    assert (None, "You are registered. We look forward to seeing you.") in ids  # a mail template (.txt)
    assert ("audit filter: what an entry is about", "About") in ids  # pgettext in a page template


def _files_with_messages(pattern: str, call: re.Pattern) -> set[str]:
    return {
        str(path.relative_to(ROOT))
        for path in ROOT.glob(pattern)
        if call.search(path.read_text(encoding="utf-8"))
    }


def test_every_file_that_marks_a_message_is_extracted(template: Catalog):
    """babel.cfg and the keywords miss nothing: each source file calling a translation function gives messages
    (a template the extractor cannot parse fails extraction: babel.cfg sets silent = false)."""
    located = {location for message in template for location, _line in message.locations}
    python_call = re.compile(r"\b(_|_l|gettext|ngettext|lazy_gettext|lazy_ngettext|pgettext)\(\s*[\"']")
    template_call = re.compile(r"\b(_|gettext|ngettext|pgettext)\(\s*[\"']")
    wanted = (
        _files_with_messages("conference/**/*.py", python_call)
        | _files_with_messages("templates/**/*.html", template_call)
        | _files_with_messages("templates/**/*.txt", template_call)
    )
    assert any(name.endswith(".txt") for name in wanted)
    assert wanted - located == set()


def test_the_check_finds_missing_empty_fuzzy_and_changed_placeholders():
    """The completeness check can fail: a catalogue with each kind of fault is reported for each."""
    template = Catalog(locale=None)
    template.add("Saved.")
    template.add("Hello %(name)s,")
    template.add("Event:")
    template.add("Delete {thing}?")
    template.add(("%(num)s seat left", "%(num)s seats left"))
    template.add("Not translated yet")
    catalog = Catalog(locale="ja")
    catalog.add("Saved.", "保存しました。")
    catalog.add("Hello %(name)s,", "こんにちは、%(nom)s 様")
    catalog.add("Event:", "イベント：", flags=["fuzzy"])
    catalog.add("Delete {thing}?", "削除しますか？")
    catalog.add(("%(num)s seat left", "%(num)s seats left"), ("残り席わずか",))
    catalog.add("Not translated yet", "")
    found = problems(catalog, template)
    assert not any("'Saved.'" in p for p in found)
    assert any("'Hello %(name)s,'" in p and "placeholders" in p for p in found)
    assert any("'Event:' is fuzzy" in p for p in found)
    assert any("'Delete {thing}?'" in p and "placeholders" in p for p in found)
    assert any("'%(num)s seat left'" in p and "placeholders" in p for p in found)
    assert any("'Not translated yet' is not translated" in p for p in found)
    catalog.delete("Saved.")
    assert any("'Saved.' is missing" in p for p in problems(catalog, template))


def test_placeholders_are_named_python_and_brace_fields():
    assert placeholders("%(num)s of %(total)d, {name} and 100%") == {"num", "total", "name"}


def test_catalogues_compile(tmp_path: Path):
    """`make translations-compile` (also run by `make test` and `make run`): every catalogue compiles to .mo."""
    written = compile_all()
    assert {mo.parent.parent.name for mo in written} == {language for language, _ in CATALOGUES}
    assert all(mo.stat().st_size > 1000 for mo in written)
