# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 16, part 7: a bulk sending stopped by a person reads "Stopped", a
state of its own, not "Done".  Played as in test_security_paths.py."""

from odoo.tests import tagged

from .test_security_paths import SENDING, PathsCase


@tagged("post_install", "-at_install")
class TestAStoppedSendingSaysSo(PathsCase):
    """7. "Stopped" is a state of its own."""

    def test_7_a_stopped_sending_reads_stopped(self):
        # (Failed before: it read "Done", like one that ran to its end.)
        sending = self.sending_of(self.initiator, self.contract | self.second)
        self.confirm(self.as_(sending, self.initiator))
        self.as_(sending, self.initiator).action_stop()
        self.assertEqual(sending.state, "stopped")
        self.assertIn("Stopped by", sending.message_ids[:1].body)
        self.assertEqual(self.env[SENDING].search([("state", "=", "stopped")]), sending)
        self.assertEqual(set(sending.line_ids.mapped("state")), {"left_out"})
        # One that ran to its end is Done.
        other = self.sending_of(self.initiator, self.third | self.second)
        self.confirm(self.as_(other, self.initiator))
        self.prepare()
        self.assertEqual(other.state, "done")
