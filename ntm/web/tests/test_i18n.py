"""English is available for every string, and the language follows the user's choice."""

import re

import polib
import pytest
from django.conf import settings

from ntm.i18n import (
    LOCALE_DIR,
    Message,
    compile_messages,
    find_messages,
    untranslated,
    update_catalogue,
)

EN_PO = LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po"


@pytest.fixture
def compiled(settings):
    compile_messages()
    # Reassigning LOCALE_PATHS makes Django drop the catalogues it has already loaded.
    settings.LOCALE_PATHS = list(settings.LOCALE_PATHS)


def test_every_string_in_code_and_templates_has_an_english_translation():
    messages = find_messages()
    assert len(messages) > 100  # the extraction did find the project's strings
    missing = [f"{m.msgid!r} ({messages[m][0]})" for m in untranslated(EN_PO, messages)]
    assert missing == [], "Add these to ntm/locale/en/LC_MESSAGES/django.po:\n" + "\n".join(missing)


def test_translations_keep_their_placeholders():
    for entry in polib.pofile(str(EN_PO)).translated_entries():
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for translation in translations:
            for placeholder in _placeholders(entry.msgid):
                assert placeholder in translation, (entry.msgid, translation)


def test_compile_writes_a_mo_file_beside_each_po(tmp_path):
    target = tmp_path / "en" / "LC_MESSAGES"
    target.mkdir(parents=True)
    (target / "django.po").write_bytes(EN_PO.read_bytes())
    assert compile_messages(tmp_path) == [target / "django.mo"]
    assert polib.mofile(str(target / "django.mo")).find("Bộ tiêu chí").msgstr == "Criteria sets"


@pytest.mark.django_db
def test_update_points_entries_at_their_files_and_keeps_unused_ones_obsolete(tmp_path):
    po_path = tmp_path / "django.po"
    catalogue = polib.POFile()
    catalogue.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    catalogue.append(
        polib.POEntry(msgid="Đã lưu", msgstr="Saved", occurrences=[("ntm/old.py", "")])
    )
    catalogue.append(polib.POEntry(msgid="Bỏ đi", msgstr="Dropped", occurrences=[("ntm/x.py", "")]))
    catalogue.save(str(po_path))

    moved = {Message("", "Đã lưu", ""): ["ntm/new.py"], Message("", "Mới", ""): ["ntm/new.py"]}
    assert update_catalogue(po_path, moved) == 1
    entries = {e.msgid: e for e in polib.pofile(str(po_path))}
    assert entries["Đã lưu"].occurrences == [("ntm/new.py", "")]
    assert entries["Đã lưu"].msgstr == "Saved" and not entries["Đã lưu"].obsolete
    assert entries["Bỏ đi"].obsolete and entries["Bỏ đi"].msgstr == "Dropped"
    assert entries["Mới"].msgstr == "" and entries["Mới"].occurrences == [("ntm/new.py", "")]

    back = {**moved, Message("", "Bỏ đi", ""): ["ntm/y.py"]}
    assert update_catalogue(po_path, back) == 0
    entries = {e.msgid: e for e in polib.pofile(str(po_path))}
    assert not entries["Bỏ đi"].obsolete and entries["Bỏ đi"].msgstr == "Dropped"


def test_pages_are_vietnamese_by_default_and_english_on_request(admin_client, compiled):
    vietnamese = admin_client.get("/criteria/").content.decode()
    assert "<h1>Bộ tiêu chí</h1>" in vietnamese and 'lang="vi"' in vietnamese
    admin_client.cookies["django_language"] = "en"
    english = admin_client.get("/criteria/").content.decode()
    assert "<h1>Criteria sets</h1>" in english and 'lang="en"' in english
    assert "Bộ tiêu chí" not in english


@pytest.mark.django_db
def test_the_language_switch_sets_the_cookie_and_returns_to_the_page(client, compiled):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/recognitions/"})
    assert response.status_code == 302 and response["Location"] == "/recognitions/"
    assert response.cookies["django_language"].value == "en"
    page = client.get("/recognitions/").content.decode()
    assert "Recognized" in page and "Log in" in page


@pytest.mark.django_db
def test_the_cookie_comes_first_then_the_browser_then_vietnamese(client, compiled):
    """The production settings, unchanged: Django's LocaleMiddleware with LANGUAGE_CODE "vi"."""
    assert "django.middleware.locale.LocaleMiddleware" in settings.MIDDLEWARE
    english_browser = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}
    assert "Đơn vị được công nhận" in client.get("/recognitions/").content.decode()
    assert "Recognized" in client.get("/recognitions/", **english_browser).content.decode()
    french_browser = client.get("/recognitions/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
    assert "Đơn vị được công nhận" in french_browser.content.decode()
    client.cookies["django_language"] = "vi"
    assert (
        "Đơn vị được công nhận" in client.get("/recognitions/", **english_browser).content.decode()
    )
    client.cookies["django_language"] = "en"
    assert "Recognized" in client.get("/recognitions/").content.decode()
    client.cookies["django_language"] = "xx"
    assert "Recognized" in client.get("/recognitions/", **english_browser).content.decode()
    assert "Đơn vị được công nhận" in client.get("/recognitions/").content.decode()


def _placeholders(text):
    return re.findall(r"%\(\w+\)[sd]", text)
