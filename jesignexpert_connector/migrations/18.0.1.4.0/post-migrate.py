# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.1.4.0 lets a collection be of an employee with no contract: each
collection records its employee, which the existing ones take from their
contract."""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        UPDATE jesignexpert_collection collection
           SET employee_id = contract.employee_id
          FROM hr_contract contract
         WHERE collection.contract_id = contract.id
           AND collection.employee_id IS NULL
           AND contract.employee_id IS NOT NULL
        """
    )
