# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io
import re
from datetime import date

from pypdf import PdfReader

from odoo.fields import Command
from odoo.tests import TransactionCase, tagged

from .. import pdf_slots


@tagged("post_install", "-at_install")
class TestContractDocument(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(["jesignexpert_connector"], ["fr_FR"], overwrite=True)
        # wkhtmltopdf would fetch the web assets from this very test server,
        # which waits for the test's cursor: point it where nothing answers.
        # The document carries its own (inline) styles.
        cls.env["ir.config_parameter"].sudo().set_param("report.url", "http://127.0.0.1:9")
        euro = cls.env.ref("base.EUR")
        euro.active = True
        cls.company = cls.env["res.company"].create(
            {
                # Not the demo company's name (names are unique).
                "name": "Lefebvre Daloz Lyon",
                "currency_id": euro.id,
                "street": "12 rue de la Paix",
                "zip": "75002",
                "city": "Paris",
                "company_registry": "552 100 554",
                "jesignexpert_legal_form": "SAS",
                "jesignexpert_share_capital": 10000,
                "jesignexpert_rcs_city": "Paris",
                "jesignexpert_naf_code": "6920Z",
                "jesignexpert_representative_firstname": "Jean",
                "jesignexpert_representative_lastname": "Doe",
                "jesignexpert_representative_title": "Président",
                "jesignexpert_representative_email": "jean.doe@lefebvre-daloz.fr",
            }
        )
        cls.env.user.company_ids |= cls.company
        cls.employee = cls.env["hr.employee"].create(
            {
                "name": "Marc Langlois",
                "company_id": cls.company.id,
                "gender": "male",
                "private_street": "3 place Bellecour",
                "private_zip": "69002",
                "private_city": "Lyon",
                "private_email": "marc.langlois@example.com",
                "birthday": date(1990, 4, 12),
                "place_of_birth": "Lyon",
                "country_id": cls.env.ref("base.fr").id,
            }
        )
        cls.cdd = cls.env.ref("jesignexpert_connector.template_cdd_activity_increase")
        cls.job = cls.env["hr.job"].create({"name": "Préparateur de commandes", "company_id": cls.company.id})

    def contract(self, **values):
        return self.env["hr.contract"].create(
            dict(
                {
                    "name": "CDD Marc Langlois",
                    "employee_id": self.employee.id,
                    "company_id": self.company.id,
                    "wage": 2100,
                    "job_id": self.job.id,
                    "date_start": date(2026, 12, 1),
                    "date_end": date(2027, 2, 28),
                    "jesignexpert_start_time": 9.5,
                    "jesignexpert_increase_reason": "d'une commande exceptionnelle",
                    "jesignexpert_template_id": self.cdd.id,
                },
                **values,
            )
        )

    def test_rendering_with_all_values(self):
        text = re.sub(r"<[^>]+>", "", str(self.contract().jesignexpert_document))
        text = re.sub(r"\s+", " ", text).replace("\xa0", " ").replace("\u202f", " ")
        for expected in (
            "Lefebvre Daloz Lyon - SAS au capital social de 10 000,00 €",
            "Registre du Commerce et des Sociétés de Paris, sous le numéro 552 100 554",
            "sis 12 rue de la Paix, 75002 Paris, et dont le code NAF est 6920Z",
            "représentée par Jean Doe, en sa qualité de Président",
            "M. Marc Langlois, demeurant 3 place Bellecour, 69002 Lyon, né(e) le 12 avril 1990, à Lyon",
            "découlant d'une commande exceptionnelle",
            "durée déterminée de 3 mois qui débute le 1 décembre 2026 à 9h30 et se termine le 28 février 2027",
            "rémunération mensuelle brute de 2 100,00 €",
        ):
            self.assertIn(expected, text)
        self.assertIn("exercera les fonctions de Préparateur de commandes", text)
        missing = re.findall(r'o_jse_missing">([^<]*)', str(self.contract(state="draft").jesignexpert_document))
        self.assertEqual(missing, [])

    def test_missing_values_show_their_label(self):
        self.company.write({"jesignexpert_legal_form": False, "jesignexpert_naf_code": False})
        self.employee.write({"birthday": False, "place_of_birth": False})
        html = str(self.contract(date_end=False, jesignexpert_increase_reason=False).jesignexpert_document)
        for label in (
            "(Forme de l'entreprise)",
            "(Code NAF)",
            "(Date de naissance du salarié)",
            "(Lieu de naissance du salarié)",
            "(Date de fin du contrat)",
            "(Durée du contrat)",
            "(Raison de l'accroissement temporaire d'activité)",
        ):
            self.assertIn(label.replace("'", "&#39;") if "&#39;" in html else label, html.replace("&#39;", "'"))

    def test_variables_offered_after_at(self):
        search = self.env["jesignexpert.document.template"].search_variables
        french = search("naiss", lang="fr_FR")
        self.assertEqual({v["key"] for v in french}, {"employee_birthday", "employee_birthplace"})
        self.assertIn('data-jse-var="employee_birthday"', french[0]["html"] + french[1]["html"])
        english = search("birth", lang="en_US")
        self.assertEqual({v["label"] for v in english}, {"Employee's date of birth", "Employee's place of birth"})
        self.assertEqual(search("dénomination", lang="fr_FR")[0]["key"], "company_name")

    def test_each_contract_gets_its_own_copy_of_the_clause(self):
        first, second = self.contract(), self.contract(state="draft", name="Autre")
        clause_a, clause_b = first._jesignexpert_clause(), second._jesignexpert_clause()
        library = self.company.jesignexpert_clause_id
        self.assertTrue(library.published)
        self.assertNotEqual(clause_a, clause_b)
        self.assertEqual((clause_a.contract_id, clause_b.contract_id), (first, second))
        self.assertEqual(clause_a.slot_ids.mapped("referent"), ["employer", "employee"])

    def test_contract_only_change_stays_on_that_contract(self):
        first, second = self.contract(), self.contract(state="draft", name="Autre")
        first._jesignexpert_clause().write({"name": "Signatures des parties"})
        first._jesignexpert_clause().action_save_contract_only()
        self.assertEqual(second._jesignexpert_clause().name, "Signature")
        self.assertEqual(self.company.jesignexpert_clause_id.name, "Signature")
        self.assertIn("Signatures des parties", str(first.jesignexpert_document))

    def test_published_change_reaches_new_contracts_not_existing_ones(self):
        first, existing = self.contract(), self.contract(state="draft", name="Existant")
        existing._jesignexpert_clause()
        clause = first._jesignexpert_clause()
        clause.write(
            {"slot_ids": [Command.create({"sequence": 3, "referent": "employer", "heading": "<p>Témoin</p>"})]}
        )
        clause.action_save_and_publish()
        self.assertEqual(len(self.company.jesignexpert_clause_id.slot_ids), 3)
        newcomer = self.contract(state="draft", name="Nouveau")
        self.assertEqual(len(newcomer._jesignexpert_clause().slot_ids), 3)
        self.assertEqual(len(existing._jesignexpert_clause().slot_ids), 2)

    def test_referents_fill_the_signers(self):
        signers = self.contract()._jesignexpert_signers()
        self.assertEqual(
            [(s["order"], s["referent"], s["name"], s["email"]) for s in signers],
            [
                (1, "employer", "Jean Doe", "jean.doe@lefebvre-daloz.fr"),
                (2, "employee", "Marc Langlois", "marc.langlois@example.com"),
            ],
        )

    def test_slot_boxes_found_in_the_pdf_hold_the_signature_blocks(self):
        """The boxes recovered from a real PDF (wkhtmltopdf) are where the
        signature blocks are printed, as pypdf reads their text."""
        contract = self.contract()
        clause = contract._jesignexpert_clause()
        clause.write(
            {"slot_ids": [Command.create({"sequence": 3, "referent": "employee", "heading": "<p>Témoin</p>"})]}
        )
        pdf = contract._jesignexpert_pdf()
        self.assertTrue(pdf.startswith(b"%PDF"))
        boxes = pdf_slots.find_slot_boxes(pdf)
        self.assertEqual(sorted(boxes), [1, 2, 3])
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        for order, box in boxes.items():
            runs = pdf_slots.text_positions(pdf, box.page - 1)
            (x, y) = next((x, y) for text, x, y in runs if f"Signature {order}" in text)
            self.assertTrue(box.left <= x <= box.right and box.top <= y <= box.bottom, f"Signature {order} in {box}")
            self.assertGreater(box.right - box.left, 150)
            self.assertGreater(box.bottom - box.top, 100)
            self.assertLessEqual(box.page, pages)
        self.assertEqual(boxes[1].top, boxes[2].top, "slots 1 and 2 side by side")
        self.assertGreater(boxes[3].top, boxes[1].bottom, "slot 3 below them")
