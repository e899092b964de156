"""Refused characters: lone surrogates, NUL and control characters, found anywhere in a
parsed document with their place, without recursion."""

import pytest

from ntm.core.text import BadText, bad_character, find_bad_text, printable


@pytest.mark.parametrize(
    ("text", "multiline", "found"),
    [
        ("Kỳ Lạc", True, None),
        ("dòng 1\r\n\tdòng 2", True, None),
        ("dòng 1\ndòng 2", False, "\n"),
        ("a\x00b", True, "\x00"),
        ("a\x1bb", True, "\x1b"),
        ("a\x7fb", True, "\x7f"),
        ("a\ud800b", True, "\ud800"),
        ("a\udfffb", True, "\udfff"),
        ("😀 emoji is a pair, not a lone surrogate", True, None),
    ],
)
def test_bad_character(text, multiline, found):
    assert bad_character(text, multiline=multiline) == found


def test_find_bad_text_names_the_place_of_values_and_keys():
    document = {"values": [{"note": "ok"}, {"note": "x\ud800"}]}
    assert find_bad_text(document) == BadText("values[1].note", "\ud800")
    assert find_bad_text({"a\x00": 1}) == BadText("a\ufffd", "\x00")
    assert find_bad_text({"a": [1, 2.5, None, True]}) is None


def test_kinds_and_codes():
    assert (BadText("x", "\ud800").kind, BadText("x", "\ud800").code) == ("surrogate", "U+D800")
    assert BadText("x", "\x00").kind == "nul"
    assert BadText("x", "\x01").kind == "control"
    assert printable("a\x00b\ud800") == "a\ufffdb\ufffd"


def test_a_deeply_nested_document_does_not_exhaust_the_stack():
    document: list = ["\x00"]
    for _ in range(100_000):
        document = [document]
    found = find_bad_text(document)
    assert found.char == "\x00"
    assert len(found.where) == 120  # the end of the place, shortened
