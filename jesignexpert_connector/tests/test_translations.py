# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import polib

from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader

ADDON = "jesignexpert_connector"


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    def test_french_translation_is_complete(self):
        """Every term Odoo would export for the addon (code, models, views,
        data) has a French translation in i18n/fr.po."""
        french = {
            entry.msgid: entry.msgstr
            for entry in polib.pofile(f"{get_module_path(ADDON)}/i18n/fr.po")
            if not entry.obsolete
        }
        terms = {
            source
            for module, _type, _name, _res_id, source, *_rest in TranslationModuleReader(self.env.cr, [ADDON])
            if module == ADDON and source
        }
        self.assertTrue(terms, "the addon exports no term at all")
        missing = sorted(term for term in terms if not french.get(term))
        self.assertFalse(missing, f"terms without a French translation in fr.po: {missing}")
