# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Several contracts sent for signature at once, prepared in the background."""

import base64
from datetime import timedelta
from unittest.mock import patch

import psycopg2.errors

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from ..models import jesignexpert_bulk_sending_job_mixin as bulk_module
from ..models import jesignexpert_bulk_sending_line as bulk_line_module
from .common import CollectionCase, SandboxHttpCase, blank_pdf, cdd_contract, contract_to_sign, sent_collection


class BulkCase(CollectionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        employees = cls.env["hr.employee"].create(
            [
                {"name": "Julie Bernard", "private_email": "julie.bernard@example.com"},
                {"name": "Karim Haddad", "private_email": "karim.haddad@example.com"},
            ]
        )
        cls.second = cdd_contract(cls.env, employees[0], name="CDD JULIE BERNARD")
        cls.third = cdd_contract(cls.env, employees[1], name="CDD KARIM HADDAD")
        cls.contracts = cls.contract | cls.second | cls.third

    def setUp(self):
        super().setUp()
        self.known = {t.id for t in self.transactions()}  # the class's sandbox keeps earlier tests' drafts

    def start(self, contracts, user=None):
        contracts = contracts.with_user(user or self.env.user)
        action = contracts.action_jesignexpert_sign()
        self.assertEqual(action["res_model"], "jesignexpert.bulk.sending", "several contracts: one bulk sending")
        return self.env["jesignexpert.bulk.sending"].with_user(user or self.env.user).browse(action["res_id"])

    def confirm(self, sending):
        sending.action_next()
        return sending.action_confirm()

    def prepare(self):
        """One batch of the scheduled action, in the test's transaction."""
        return self.env["jesignexpert.bulk.sending"]._cron_prepare(auto_commit=False)

    def line(self, sending, contract):
        return sending.line_ids.filtered(lambda line: line.contract_id == contract)

    def calls(self):
        return sum(self.sandbox_call("GET", "/_sandbox/calls").values())

    def new_transactions(self):
        """This test's drafts on jesignexpert.com (deleted ones are gone)."""
        return [t for t in self.transactions() if t.id not in self.known]

    def remote_titles(self):
        return sorted(t.title for t in self.new_transactions())


@tagged("post_install", "-at_install")
class TestBulkSending(BulkCase):
    def test_one_contracts_failure_neither_stops_nor_undoes_the_others(self):
        sending = self.start(self.contracts)
        self.assertEqual(sending.contract_count, 3)
        self.assertEqual(
            self.line(sending, self.second).signer_names, "Jean Doe, Julie Bernard", "signers filled from the clause"
        )
        self.sandbox_call("DELETE", "/_sandbox/calls")
        self.confirm(sending)
        self.assertEqual(sending.state, "running")
        self.assertEqual(set(sending.line_ids.mapped("state")), {"waiting"})
        self.assertEqual(self.calls(), 0, "nothing is rendered nor sent inside the web request")
        cron = self.env.ref("jesignexpert_connector.ir_cron_jesignexpert_bulk_sending")
        self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]), "the background job is due")

        # jesignexpert.com fails while the second contract's signers are added.
        line_class = type(self.env["jesignexpert.bulk.sending.line"])
        original = line_class._prepare_draft
        test = self

        def network_fails_for_the_second(line, *args):
            if line.contract_id == test.second:
                test.inject_fault("500", path="/signatory", count=1)
            return original(line, *args)

        with patch.object(line_class, "_prepare_draft", network_fails_for_the_second):
            self.prepare()

        first, second, third = (self.line(sending, c) for c in self.contracts)
        self.assertEqual((first.state, second.state, third.state), ("prepared", "failed", "prepared"))
        self.assertIn("jesignexpert.com", second.error)
        self.assertTrue(first.jse_url and third.jse_url, "links to the drafts' pages")
        self.assertEqual(first.collection_id.contract_id, self.contract)
        self.assertEqual(first.collection_id.initiator_id, self.env.user)
        self.assertFalse(self.second.jesignexpert_collection_ids, "no collection for the failed contract")
        self.assertEqual(
            self.remote_titles(),
            ["CDD KARIM HADDAD", "CDD MARC LANGLOIS"],
            "nothing half-made left on jesignexpert.com",
        )
        self.assertEqual(sending.state, "done")
        result = sending.message_ids[:1]
        self.assertIn("2 collections prepared", result.body)
        self.assertIn("CDD JULIE BERNARD", result.body)
        self.assertIn(self.env.user.partner_id, result.partner_ids, "the initiator is told")

        sending.action_retry_failed()
        self.assertEqual(sending.state, "running")
        self.prepare()
        self.assertEqual(second.state, "prepared")
        self.assertEqual(len(self.new_transactions()), 3, "one draft per contract, the others untouched")

    def test_the_job_speaks_the_initiators_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["jesignexpert_connector"], ["fr_FR"], overwrite=True)
        self.initiator.lang = "fr_FR"
        sending = self.start(self.contracts, user=self.initiator)
        self.confirm(sending)
        self.third.active = False  # fails in the background job, which has no language of its own
        self.prepare()
        sending = sending.sudo()
        self.assertIn("documents archivés", self.line(sending, self.third).error)
        self.assertIn("2 collectes préparées", sending.message_ids[:1].body)
        self.assertFalse(self.line(sending, self.contract).open_collection_id, "its own collection is not another")
        self.assertEqual(sending.in_progress_count, 0)

    def test_contracts_that_cannot_be_sent_say_why_and_are_left_out_only_when_asked(self):
        archived = cdd_contract(self.env, self.employee, name="CDD ARCHIVÉ")
        archived.active = False
        nameless = self.env["hr.employee"].create({"name": "Sans Adresse"})
        no_email = cdd_contract(self.env, nameless, name="CDD SANS ADRESSE")
        no_document = cdd_contract(self.env, self.employee, name="AVENANT", jesignexpert_template_id=False)
        other_company = self.env["res.company"].create({"name": "Filiale Sud"})
        self.env.user.company_ids |= other_company
        elsewhere = cdd_contract(
            self.env,
            self.env["hr.employee"].create({"name": "Ana Costa", "company_id": other_company.id}),
            name="CDD ANA COSTA",
            company_id=other_company.id,
        )
        sending = self.start(self.contract | archived | no_email | no_document | elsewhere)
        reasons = {line.contract_id: line.problem for line in sending.line_ids}
        self.assertFalse(reasons[self.contract])
        self.assertIn("archived", reasons[archived])
        self.assertIn("no e-mail address", reasons[no_email])
        self.assertIn("No document", reasons[no_document])
        self.assertIn("Filiale Sud", reasons[elsewhere])
        self.assertEqual(sending.blocked_count, 4)
        with self.assertRaisesRegex(ValidationError, "4 of the contracts cannot be sent"):
            sending.action_next()

        # A missing e-mail can be fixed on the line itself.
        self.line(sending, no_email).signer_ids.filtered(lambda s: s.name == "Sans Adresse").email = "sa@example.com"
        self.assertFalse(self.line(sending, no_email).problem)
        # A document can be uploaded for the contract with no template; a bad one is refused at once.
        line = self.line(sending, no_document)
        with self.assertRaisesRegex(ValidationError, "Only PDF documents"), self.env.cr.savepoint():
            line.write({"document_source": "upload", "upload": base64.b64encode(b"hello"), "upload_name": "a.txt"})
        self.env.invalidate_all()
        self.assertEqual(sending.blocked_count, 3)
        line.write({"document_source": "upload", "upload": base64.b64encode(blank_pdf(1)), "upload_name": "a.pdf"})
        self.assertEqual(sending.blocked_count, 2, "archived, and another company's")

        sending.leave_out = True
        self.confirm(sending)
        states = {line.contract_id: (line.state, line.error) for line in sending.line_ids}
        self.assertEqual(states[archived][0], "left_out")
        self.assertIn("archived", states[archived][1])
        self.assertEqual(states[no_email][0], "waiting")
        self.prepare()
        self.assertEqual(self.remote_titles(), ["AVENANT", "CDD MARC LANGLOIS", "CDD SANS ADRESSE"])
        self.assertFalse(elsewhere.jesignexpert_collection_ids)
        self.assertIn("2 contracts not prepared", sending.message_ids[:1].body)
        remote = self.sandbox_call("GET", f"/_sandbox/transaction/{no_document.jesignexpert_collection_ids.jse_id}")
        self.assertEqual([f["page"] for f in remote["documents"][0]["signFields"]], [-1, -1], "at the foot")

    def test_a_contract_archived_after_confirmation_is_not_sent(self):
        sending = self.start(self.contracts)
        self.confirm(sending)
        self.third.active = False  # between the confirmation and the background job
        self.prepare()
        self.assertEqual(self.line(sending, self.third).state, "failed")
        self.assertIn("archived", self.line(sending, self.third).error)
        self.assertEqual(len(self.new_transactions()), 2)

    def test_the_job_works_in_batches_and_says_what_remains(self):
        sending = self.start(self.contracts)
        self.confirm(sending)
        line_class = type(self.env["jesignexpert.bulk.sending.line"])
        original = line_class._prepare_isolated
        clock = [0.0]

        def takes_the_whole_batch(line, *args):  # the batch is over after one contract
            clock[0] = 1e12
            return original(line, *args)

        with (
            patch.object(bulk_module, "monotonic", lambda: clock[0]),
            patch.object(line_class, "_prepare_isolated", takes_the_whole_batch),
            patch.object(type(self.env["ir.cron"]), "_notify_progress") as progress,
        ):
            self.assertEqual(self.prepare(), (1, 2))
        progress.assert_called_once_with(done=1, remaining=2)
        self.assertEqual(sending.prepared_count, 1)
        self.assertAlmostEqual(sending.progress, 100 / 3)
        self.assertEqual(sending.state, "running", "the rest is for the next batch")
        self.assertEqual(self.prepare(), (2, 0))
        self.assertEqual(sending.state, "done")

    def test_contracts_held_by_another_transaction_are_tried_again_a_minute_later(self):
        sending = self.start(self.contracts)
        self.confirm(sending)
        cron = self.env.ref("jesignexpert_connector.ir_cron_jesignexpert_bulk_sending")
        self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]).unlink()
        with patch.object(bulk_line_module, "try_lock", lambda record: False):
            self.assertEqual(self.prepare(), (0, 3))
        # Odoo takes a batch that did nothing for the end of the work: the job comes back by itself.
        trigger = self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])
        self.assertEqual(len(trigger), 1)
        self.assertGreater(trigger.call_at, fields.Datetime.now())
        self.assertEqual(sending.state, "running")

    def test_when_jesignexpert_asks_to_slow_down_the_job_pauses_and_fails_nobody(self):
        sending = self.start(self.contracts)
        self.confirm(sending)
        cron = self.env.ref("jesignexpert_connector.ir_cron_jesignexpert_bulk_sending")
        self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]).unlink()
        self.inject_fault("429", path="/transaction", retry_after=600, count=1)
        with patch.object(type(self.env["ir.cron"]), "_notify_progress") as progress:
            self.assertEqual(self.prepare(), (0, 3))
        progress.assert_called_once_with(done=0, remaining=0)  # Odoo must not run it again at once
        self.assertEqual(set(sending.line_ids.mapped("state")), {"waiting"}, "no contract failed for it")
        trigger = self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])
        self.assertGreater(trigger.call_at, fields.Datetime.now() + timedelta(seconds=590))
        self.assertEqual(self.prepare(), (3, 0), "after the wait, every draft is made")
        self.assertEqual(len(self.new_transactions()), 3)

    def test_a_draft_made_before_a_write_conflict_is_taken_by_the_next_batch(self):
        sending = self.start(self.contract | self.second)
        self.confirm(sending)
        drafting_class = type(self.env["jesignexpert.drafting"])
        original = drafting_class._record_collection
        conflicts = []

        def conflict_once(drafting, contract, *args, **kwargs):
            if contract == self.contract and not conflicts:
                conflicts.append(contract)
                raise psycopg2.errors.SerializationFailure("could not serialize access")
            return original(drafting, contract, *args, **kwargs)

        with patch.object(drafting_class, "_record_collection", conflict_once):
            self.assertEqual(self.prepare(), (1, 1))
        self.assertEqual(self.line(sending, self.contract).state, "waiting", "kept for the next batch")
        self.assertEqual(len(self.new_transactions()), 2, "the first draft was made on jesignexpert.com")
        self.prepare()
        self.assertEqual(self.line(sending, self.contract).state, "prepared")
        self.assertEqual(len(self.new_transactions()), 2, "the next batch took it: no second draft")
        self.assertEqual(self.line(sending, self.contract).collection_id.jse_id, self.new_transactions()[0].id)

    def test_a_contract_in_progress_needs_a_choice_in_bulk_too(self):
        previous = sent_collection(self.env, self.firm, self.second, "CDD JULIE BERNARD v1")
        sending = self.start(self.contracts)
        self.assertEqual(self.line(sending, self.second).open_collection_name, previous.name)
        with self.assertRaisesRegex(ValidationError, "already have a collection in progress"):
            sending.action_next()
        sending.duplicate_choice = "skip"
        self.confirm(sending)
        self.prepare()
        self.assertEqual(self.line(sending, self.second).state, "left_out")
        self.assertIn(previous.name, self.line(sending, self.second).error)
        self.assertEqual(previous.state, "sent", "untouched")

        again = self.start(self.second | self.third)
        again.duplicate_choice = "another"
        self.confirm(again)
        self.prepare()
        self.assertEqual(self.line(again, self.second).state, "prepared")
        # Said once the new collection is made.
        self.assertIn("sent another collection", self.second.message_ids.mapped("body")[0])

        latest = self.line(again, self.second).collection_id
        third = self.start(self.second | self.third)
        self.assertEqual(self.line(third, self.second).open_collection_id, latest, "the latest in progress")
        third.duplicate_choice = "cancel"
        self.confirm(third)
        self.prepare()
        self.assertEqual(latest.state, "cancelled", "cancelled on jesignexpert.com first")
        self.assertEqual(self.line(third, self.second).state, "prepared")


@tagged("post_install", "-at_install")
class TestBulkSendingRights(BulkCase):
    def test_a_sending_is_its_initiators_and_runs_with_their_rights(self):
        sending = self.start(self.contracts, user=self.initiator)
        colleague = new_test_user(
            self.env, "sig_colleague", groups="base.group_user,jesignexpert_connector.group_jesignexpert_user"
        )
        with self.assertRaises(AccessError):
            sending.with_user(colleague).read(["name"])
        with self.assertRaises(AccessError):
            sending.line_ids.signer_ids.with_user(colleague).read(["email"])
        outsider = new_test_user(
            self.env, "sig_outsider", groups="base.group_user,hr_contract.group_hr_contract_manager"
        )
        with self.assertRaisesRegex(AccessError, "not allowed"):
            self.contracts.with_user(outsider).action_jesignexpert_sign()

        self.confirm(sending)
        # The initiator loses the right to send before the background job runs.
        self.initiator.groups_id -= self.env.ref("jesignexpert_connector.group_jesignexpert_user")
        self.prepare()
        self.assertEqual(set(sending.sudo().line_ids.mapped("state")), {"failed"})
        self.assertIn("not allowed", sending.sudo().line_ids[0].error)
        self.assertFalse(self.new_transactions())

    def test_whose_rights_the_job_uses_is_never_the_clients_say(self):
        sending = self.start(self.contracts, user=self.initiator)
        admin = self.env.ref("base.user_admin")
        as_initiator = sending.with_user(self.initiator)
        for values in ({"user_id": admin.id}, {"state": "running"}, {"company_id": self.env.company.id}):
            with self.assertRaises(AccessError):
                as_initiator.write(values)
        with self.assertRaises(AccessError):
            as_initiator.line_ids[0].write({"state": "waiting"})
        with self.assertRaises(AccessError):
            self.env["jesignexpert.bulk.sending"].with_user(self.initiator).create(
                {"name": "x", "user_id": admin.id, "state": "running"}
            )
        with self.assertRaises(AccessError):
            self.env["jesignexpert.bulk.sending.line"].with_user(self.initiator).create(
                {"sending_id": sending.id, "contract_id": self.contract.id, "title": "x", "state": "waiting"}
            )
        self.assertEqual((sending.user_id, sending.state), (self.initiator, "draft"))

    def test_a_confirmed_sending_cannot_be_changed(self):
        sending = self.start(self.contracts)
        self.confirm(sending)
        with self.assertRaisesRegex(UserError, "only while it is being set up"):
            sending.line_ids[0].signer_ids[0].email = "other@example.com"
        with self.assertRaisesRegex(UserError, "only while it is being set up"):
            sending.line_ids[0].title = "Autre"
        with self.assertRaisesRegex(UserError, "no longer being set up"):
            sending.action_confirm()


@tagged("post_install", "-at_install", "is_tour")
class TestBulkSendingTour(SandboxHttpCase):
    def test_bulk_sending_from_the_contract_list(self):
        env = self.env(user=self.env.ref("base.user_admin"))
        self.link_firm()
        contract = contract_to_sign(env, "CDD MARC LANGLOIS")
        other = cdd_contract(
            env,
            env["hr.employee"].create({"name": "Julie Bernard", "private_email": "julie.bernard@example.com"}),
            name="CDD JULIE BERNARD",
        )
        amendment = cdd_contract(
            env, contract.employee_id, name="AVENANT SANS DOCUMENT", jesignexpert_template_id=False
        )
        env["hr.contract"].search([("id", "not in", (contract | other | amendment).ids)]).write({"active": False})
        self.start_tour(
            "/odoo/action-hr_contract.action_hr_contract?view_type=list", "jesignexpert_bulk_tour", login="admin"
        )
        sending = env["jesignexpert.bulk.sending"].search([], limit=1)
        self.assertEqual(sending.state, "done", "the tour ran the scheduled action")
        self.assertEqual(sending.prepared_count, 2)
        self.assertEqual(sending.line_ids.filtered(lambda line: line.contract_id == amendment).state, "left_out")
        self.assertEqual(len(contract.jesignexpert_collection_ids | other.jesignexpert_collection_ids), 2)
