"""The French translation file itself: complete and faithful to its sources."""

import os
import re

from conftest import ADDON

PLACEHOLDER = re.compile(r"%\((\w+)\)s|%s|\{\w*\}")


def entries(path):
    """(msgid, msgstr) pairs of a .po file, read without any library."""
    with open(path, encoding="utf-8") as po:
        text = po.read()
    pairs = []
    for block in text.split("\n\n"):
        if block.lstrip().startswith("#~"):
            continue
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        msgstr = re.search(r'^msgstr ((?:".*"\n?)+)', block, re.M)
        if msgid and msgstr:
            join = lambda chunk: "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', chunk))  # noqa: E731
            pairs.append((join(msgid.group(1)), join(msgstr.group(1))))
    return [(i, s) for i, s in pairs if i]


FR = entries(os.path.join(ADDON, "i18n", "fr.po"))
POT = entries(os.path.join(ADDON, "i18n", "jesignexpert_connector.pot"))


def test_every_template_term_is_translated_to_french():
    french = dict(FR)
    assert POT, "the .pot holds no term"
    missing = [msgid for msgid, _empty in POT if not french.get(msgid)]
    assert missing == []


def test_french_keeps_the_placeholders():
    wrong = [i for i, s in FR if sorted(PLACEHOLDER.findall(i)) != sorted(PLACEHOLDER.findall(s))]
    assert wrong == []
