#!/usr/bin/env python3
"""Merges the addon's .pot into i18n/fr.po.

Keeps every French translation already made, drops the terms the code no
longer has, and for the new ones takes Odoo's own French wording when an
addon of the Odoo source tree translates the very same term (the fields of
mail.thread, say).  Prints the terms still to translate; exits 1 if any.

    tools/po_merge.py ODOO_SRC
"""

import pathlib
import sys

import polib

ADDON = pathlib.Path(__file__).resolve().parent.parent / "jesignexpert_connector"
ODOO_ADDONS_FOR_WORDING = ["base", "web", "mail", "hr", "hr_contract", "resource"]


def odoo_wording(odoo_src):
    known = {}
    for name in ODOO_ADDONS_FOR_WORDING:
        for root in ("odoo/addons", "addons"):
            po = pathlib.Path(odoo_src, root, name, "i18n", "fr.po")
            if po.exists():
                for entry in polib.pofile(str(po)):
                    if entry.msgstr and not entry.obsolete:
                        known.setdefault(entry.msgid, entry.msgstr)
    return known


def main(odoo_src):
    pot = polib.pofile(str(ADDON / "i18n" / "jesignexpert_connector.pot"))
    fr_path = ADDON / "i18n" / "fr.po"
    done = {e.msgid: e.msgstr for e in polib.pofile(str(fr_path)) if e.msgstr and not e.obsolete}
    wording = odoo_wording(odoo_src)
    fr = polib.POFile(wrapwidth=78)
    fr.header = pot.header
    fr.metadata = dict(pot.metadata, Language="fr", **{"Plural-Forms": "nplurals=2; plural=(n > 1);"})
    fr.metadata.pop("POT-Creation-Date", None)
    missing = []
    for entry in pot:
        msgstr = done.get(entry.msgid) or wording.get(entry.msgid, "")
        if not msgstr:
            missing.append(entry.msgid)
        fr.append(
            polib.POEntry(
                msgid=entry.msgid,
                msgstr=msgstr,
                occurrences=entry.occurrences,
                comment=entry.comment,
                tcomment=entry.tcomment,
                flags=entry.flags,
            )
        )
    fr.save(str(fr_path))
    for msgid in missing:
        sys.stdout.write(f"to translate: {msgid!r}\n")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
