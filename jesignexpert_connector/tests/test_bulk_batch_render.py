# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A bulk sending's documents rendered several at a time, and the sendings
in progress served in turn."""

import io
from contextlib import contextmanager
from unittest.mock import patch

from markupsafe import Markup
from pypdf import PdfReader, PdfWriter

from odoo.tests import tagged

from .. import pdf_slots
from ..models import jesignexpert_bulk_sending_job_mixin as bulk_module
from ..models import jesignexpert_bulk_sending_line as bulk_line_module
from .common import cdd_contract
from .test_bulk_sending import BulkCase

ANNEX = Markup("<p>Du lundi au vendredi, de 9h00 à 12h30 et de 14h00 à 17h30, soit 35 heures par semaine.</p>")


def folded_text(pdf):
    """The PDF's text, white space folded (wkhtmltopdf's spaces come out as tabs)."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def page_count(pdf):
    return len(PdfReader(io.BytesIO(pdf)).pages)


def rounded_boxes(pdf):
    return {
        order: (box.page, round(box.left, 1), round(box.top, 1), round(box.right, 1), round(box.bottom, 1))
        for order, box in pdf_slots.find_slot_boxes(pdf).items()
    }


class BatchCase(BulkCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        template = cls.env.ref("jesignexpert_connector.template_cdd_activity_increase")
        # A longer contract (an annex of working hours) and a short amendment:
        # documents of several lengths, one after the other in a batch.
        longer = template.copy({"name": "CDD avec annexe", "body": template.body + ANNEX * 40})
        shorter = template.copy(
            {
                "name": "Avenant",
                "body": Markup(
                    '<p>Avenant au contrat de <span data-jse-var="employee_firstname">Prénom</span> '
                    '<span data-jse-var="employee_lastname">Nom</span>.</p>'
                ),
            }
        )
        employees = cls.env["hr.employee"].create(
            [
                {"name": "Sophie Marchand", "private_email": "sophie.marchand@example.com"},
                {"name": "Paul Girard", "private_email": "paul.girard@example.com"},
            ]
        )
        cls.longer = cdd_contract(cls.env, employees[0], name="CDD SOPHIE MARCHAND", jesignexpert_template_id=longer.id)
        cls.shorter = cdd_contract(
            cls.env, employees[1], name="AVENANT PAUL GIRARD", jesignexpert_template_id=shorter.id
        )
        cls.five = cls.contracts | cls.longer | cls.shorter
        cls.surnames = {
            cls.contract: "Langlois",
            cls.second: "Bernard",
            cls.third: "Haddad",
            cls.longer: "Marchand",
            cls.shorter: "Girard",
        }

    def setUp(self):
        super().setUp()
        # One run of the job prepares everything, however slow the machine.
        self.env["ir.config_parameter"].sudo().set_param("jesignexpert_connector.sync_batch_seconds", "600")

    def set_batch_size(self, size):
        """As a system administrator does, in the settings."""
        self.env["res.config.settings"].create({"jesignexpert_bulk_batch_size": size}).set_values()

    @contextmanager
    def wkhtmltopdf_runs(self):
        """Counts the runs of wkhtmltopdf (each costs about a second)."""
        report_class = type(self.env["ir.actions.report"])
        original = report_class._run_wkhtmltopdf
        runs = []

        def counted(report, bodies, *args, **kwargs):
            runs.append(len(bodies))
            return original(report, bodies, *args, **kwargs)

        with patch.object(report_class, "_run_wkhtmltopdf", counted):
            yield runs

    def sent_document(self, sending, contract):
        """The PDF jesignexpert.com received for ``contract``'s collection."""
        tid = self.line(sending, contract).collection_id.jse_id
        self.assertTrue(tid, f"{contract.name} was prepared")
        with self.sandbox.store.transaction():
            return self.sandbox.store.documents(tid)[0]["content"]

    def assert_each_gets_its_own(self, sending, contracts, alone):
        """Each contract's document holds its own employee's name and no
        other's, with the pages and signature boxes it has rendered alone."""
        for contract in contracts:
            with self.subTest(contract=contract.name):
                pdf = self.sent_document(sending, contract)
                text = folded_text(pdf)
                self.assertIn(self.surnames[contract], text)
                others = [name for other, name in self.surnames.items() if other != contract and name in text]
                self.assertFalse(others, f"{contract.name}'s document holds another employee's name")
                self.assertEqual(page_count(pdf), page_count(alone[contract]), "as many pages as alone")
                self.assertEqual(rounded_boxes(pdf), rounded_boxes(alone[contract]), "the signatures where alone")


@tagged("post_install", "-at_install")
class TestBulkBatchRender(BatchCase):
    def test_a_batch_is_rendered_in_one_run_and_each_contract_gets_its_own_pages(self):
        alone = {contract: contract._jesignexpert_pdf() for contract in self.five}
        self.assertEqual(sorted(page_count(pdf) for pdf in alone.values()), [1, 2, 2, 2, 3], "several lengths")
        sending = self.start(self.five)
        self.confirm(sending)
        with self.wkhtmltopdf_runs() as runs:
            self.assertEqual(self.prepare(), (5, 0))
        self.assertEqual(len(runs), 1, "the five documents in one run of wkhtmltopdf")
        self.assertEqual(sending.state, "done")
        self.assertEqual(len(self.new_transactions()), 5, "one draft each")
        self.assert_each_gets_its_own(sending, self.five, alone)

    def test_the_marks_are_read_as_pypdf_reads_them(self):
        """The quick reading of the marks finds them where pypdf's text
        extraction does, on a contract alone and on several in one run."""
        report = self.env.ref("jesignexpert_connector.action_report_jesignexpert_contract")
        streams, _kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._pre_render_qweb_pdf(report, res_ids=self.five.ids, data={"jesignexpert_batch": True})
        )
        for pdf in (self.longer._jesignexpert_pdf(), streams[False]["stream"].getvalue()):
            reader = PdfReader(io.BytesIO(pdf))
            found = []
            for index in range(len(reader.pages)):
                quick = [(text, round(x, 2), round(y, 2)) for text, x, y in pdf_slots.white_text(reader, index)]
                slow = [
                    (text, round(x, 2), round(y, 2))
                    for text, x, y in pdf_slots.text_positions(reader, index)
                    if text.startswith("JSE")
                ]
                self.assertEqual(quick, slow, f"page {index + 1}")
                found += quick
            self.assertGreaterEqual(len(found), 4, "the slots' corners at least")

    def test_a_batch_that_does_not_split_right_is_rendered_one_by_one(self):
        alone = {contract: contract._jesignexpert_pdf() for contract in self.five}
        report_class = type(self.env["ir.actions.report"])
        original = report_class._render_qweb_pdf_prepare_streams

        def each_gets_the_next_ones(streams, res_ids):
            parts = pdf_slots.split_documents(streams[False]["stream"].getvalue(), res_ids)
            shifted = res_ids[1:] + res_ids[:1]
            return {
                res_id: {"stream": io.BytesIO(parts[other]), "attachment": None}
                for res_id, other in zip(res_ids, shifted, strict=True)
            }

        def the_last_page_is_missing(streams, res_ids):
            writer = PdfWriter()
            for page in PdfReader(streams[False]["stream"]).pages[:-1]:
                writer.add_page(page)
            stream = io.BytesIO()
            writer.write(stream)
            return {False: {"stream": stream, "attachment": None}}

        def fails(streams, res_ids):
            raise RuntimeError("something nobody foresaw")

        for wrong in (each_gets_the_next_ones, the_last_page_is_missing, fails):
            with self.subTest(wrong=wrong.__name__):

                def wrong_for_a_batch(report, report_ref, data, res_ids=None, wrong=wrong):
                    streams = original(report, report_ref, data, res_ids=res_ids)
                    return wrong(streams, res_ids) if data.get("jesignexpert_batch") else streams

                sending = self.start(self.five)
                sending.duplicate_choice = "another"  # the previous round's collections are in progress
                self.confirm(sending)
                with (
                    patch.object(report_class, "_render_qweb_pdf_prepare_streams", wrong_for_a_batch),
                    self.wkhtmltopdf_runs() as runs,
                ):
                    self.assertEqual(self.prepare(), (5, 0))
                self.assertEqual(len(runs), 6, "the batch, then each contract alone")
                self.assertEqual(sending.prepared_count, 5)
                self.assert_each_gets_its_own(sending, self.five, alone)

    def test_the_settings_say_how_many_are_rendered_together(self):
        self.set_batch_size(2)
        self.assertEqual(self.env["ir.config_parameter"].get_param("jesignexpert_connector.bulk_batch_size"), "2")
        sending = self.start(self.five)
        self.confirm(sending)
        with self.wkhtmltopdf_runs() as runs:
            self.assertEqual(self.prepare(), (5, 0))
        self.assertEqual(runs, [1, 1, 1], "two, two, then the last one (each run one document)")
        self.assertEqual(len(self.new_transactions()), 5)

    def test_a_contract_changed_since_the_batch_was_rendered_is_rendered_anew(self):
        alone = {contract: contract._jesignexpert_pdf() for contract in self.five}
        sending = self.start(self.five)
        self.confirm(sending)
        line_class = type(self.env["jesignexpert.bulk.sending.line"])
        original = line_class._prepare_isolated

        def renamed_meanwhile(line, *args):
            if line.contract_id == self.third:  # its employee is renamed while the others are prepared
                self.third.employee_id.name = "Karim Haddad-Roussel"
            return original(line, *args)

        with patch.object(line_class, "_prepare_isolated", renamed_meanwhile), self.wkhtmltopdf_runs() as runs:
            self.assertEqual(self.prepare(), (5, 0))
        self.assertEqual(len(runs), 2, "the batch, then the contract that changed, alone")
        self.assertIn("Haddad-Roussel", folded_text(self.sent_document(sending, self.third)))
        self.assert_each_gets_its_own(sending, self.five - self.third, alone)

    def test_a_contract_another_transaction_holds_is_left_for_later_and_prepared_once(self):
        sending = self.start(self.five)
        self.confirm(sending)
        held = self.line(sending, self.second)
        real_try_lock = bulk_line_module.try_lock
        with patch.object(bulk_line_module, "try_lock", lambda record: record != held and real_try_lock(record)):
            self.assertEqual(self.prepare(), (4, 1))
        self.assertEqual(held.state, "waiting", "left for the next batch")
        self.assertEqual(self.prepare(), (1, 0))
        self.assertEqual(held.state, "prepared")
        self.assertEqual(len(self.new_transactions()), 5, "one draft per contract")
        self.assertEqual(sending.state, "done")


@tagged("post_install", "-at_install")
class TestBulkSendingsInTurn(BatchCase):
    """A few contracts sent while a large sending is being prepared wait
    for a batch, not for the whole of it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        employees = cls.env["hr.employee"].create(
            [{"name": f"Saisonnier {n}", "private_email": f"saisonnier{n}@example.com"} for n in range(6)]
        )
        cls.season = cls.env["hr.contract"].browse(
            [cdd_contract(cls.env, employee, name=f"CDD SAISON {n}").id for n, employee in enumerate(employees)]
        )

    def record_preparations(self, before=None):
        """Patches the line's preparation to note, in order, the sending of
        each contract prepared (``before`` is called first)."""
        line_class = type(self.env["jesignexpert.bulk.sending.line"])
        original = line_class._prepare_isolated
        prepared = []

        def noted(line, *args):
            if before:
                before()
            handled = original(line, *args)
            if handled:
                prepared.append((line.sending_id.id, line.id))
            return handled

        return patch.object(line_class, "_prepare_isolated", noted), prepared

    def test_the_sendings_are_served_in_turn(self):
        self.set_batch_size(2)
        large = self.start(self.season)
        self.confirm(large)
        small = self.start(self.contract | self.second)
        self.confirm(small)
        patched, prepared = self.record_preparations()
        with patched:
            self.assertEqual(self.prepare(), (8, 0))
        order = [sending_id for sending_id, _line in prepared]
        self.assertEqual(order, [large.id] * 2 + [small.id] * 2 + [large.id] * 4, "a batch of each, in turn")
        self.assertEqual(len({line for _sending, line in prepared}), 8, "nothing prepared twice")
        self.assertEqual(len(self.new_transactions()), 8)
        self.assertEqual((large.state, small.state), ("done", "done"))

    def test_the_sending_served_least_recently_goes_first_when_the_job_comes_back(self):
        """The job's time is cut in batches: the next run begins with the
        sending the last one did not reach."""
        self.set_batch_size(2)
        large = self.start(self.season)
        self.confirm(large)
        small = self.start(self.contract | self.second)
        self.confirm(small)
        # Each contract takes a second, each run of the job has two.
        clock = [0.0]

        def one_second():
            clock[0] += 1

        patched, prepared = self.record_preparations(before=one_second)
        runs = []
        with (
            patched,
            patch.object(bulk_module, "monotonic", lambda: clock[0]),
            patch.object(type(self.env["jesignexpert.sync"]), "_deadline", lambda sync: clock[0] + 2),
        ):
            while "running" in (large.state, small.state) and len(runs) < 10:
                runs.append(self.prepare())
        order = [sending_id for sending_id, _line in prepared]
        self.assertEqual(order, [large.id] * 2 + [small.id] * 2 + [large.id] * 4, "the second run serves the small one")
        self.assertEqual(runs, [(2, 6), (2, 4), (2, 2), (2, 0)], "a batch a run")
        self.assertEqual(len({line for _sending, line in prepared}), 8, "nothing prepared twice")
