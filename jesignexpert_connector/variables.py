# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The variables of contract documents: the one place that lists them.

A document (template, clause) holds a variable as
``<span data-jse-var="KEY">Label</span>``; typing ``@`` then part of a label
in the editor offers the matching ones.  When the document is rendered, the
span's text becomes the value taken from the contract, its employee or its
company, or ``(Label)`` when that value is missing, as on jesignexpert.com.

Each variable has an English and a French label (the documents are French
legal texts, so a document in French shows the French one) and a getter
receiving the ``hr.contract``.
"""

from collections import namedtuple

from dateutil.relativedelta import relativedelta

from odoo.tools import format_amount, format_date

Variable = namedtuple("Variable", "key label_en label_fr getter")


def _names(contract):
    """First and last name of the employee: "Marc Langlois" -> (Marc, Langlois)."""
    first, _space, last = (contract.employee_id.sudo().name or "").strip().partition(" ")
    return first, last


def _private(contract, name):
    """A private field of the employee (``hr.group_hr_user``'s), only for a
    reader who may read it themselves: for anyone else the document shows
    the variable's label, as for a missing value."""
    employee = contract.employee_id
    if not employee or not employee._fields[name].is_accessible(contract.env) or not employee.has_access("read"):
        return None
    return employee.sudo()[name]


def _address(street, street2, zip_code, city):
    return ", ".join(p for p in (street, street2, " ".join(p for p in (zip_code, city) if p)) if p)


def _company_address(contract):
    c = contract.company_id
    return _address(c.street, c.street2, c.zip, c.city)


def _employee_address(contract):
    parts = [_private(contract, name) for name in ("private_street", "private_street2", "private_zip", "private_city")]
    return _address(*parts)


def _date(contract, value):
    return value and format_date(contract.env, value, date_format="d MMMM y")


def _duration(contract):
    start, end = contract.date_start, contract.date_end
    if not start or not end or end < start:
        return ""
    delta = relativedelta(end + relativedelta(days=1), start)
    _ = contract.env._
    parts = []
    if delta.years:
        parts.append(_("%s year(s)", delta.years))
    if delta.months:
        parts.append(_("%s month(s)", delta.months))
    if delta.days:
        parts.append(_("%s day(s)", delta.days))
    return " ".join(parts)


def _time(value):
    if not value:
        return ""
    hours, minutes = divmod(round(value * 60), 60)
    return f"{hours:d}h{minutes:02d}"


def _capital(contract):
    company = contract.company_id
    amount = company.jesignexpert_share_capital
    return amount and format_amount(contract.env, amount, company.currency_id)


VARIABLES = (
    Variable("company_name", "Company name", "Dénomination sociale", lambda c: c.company_id.name),
    Variable(
        "company_legal_form", "Legal form", "Forme de l'entreprise", lambda c: c.company_id.jesignexpert_legal_form
    ),
    Variable("company_capital", "Share capital", "Capital social", _capital),
    Variable("company_rcs_city", "RCS city", "Ville du RCS", lambda c: c.company_id.jesignexpert_rcs_city),
    Variable(
        "company_rcs_number",
        "RCS registration number",
        "Numéro d'immatriculation au RCS",
        lambda c: c.company_id.company_registry,
    ),
    Variable("company_address", "Registered office address", "Adresse du siège social", _company_address),
    Variable("company_naf", "NAF code", "Code NAF", lambda c: c.company_id.jesignexpert_naf_code),
    Variable("company_phone", "Company phone", "Téléphone de l'entreprise", lambda c: c.company_id.phone),
    Variable(
        "representative_firstname",
        "Representative's first name",
        "Prénom du représentant",
        lambda c: c.company_id.jesignexpert_representative_firstname,
    ),
    Variable(
        "representative_lastname",
        "Representative's last name",
        "Nom du représentant",
        lambda c: c.company_id.jesignexpert_representative_lastname,
    ),
    Variable(
        "representative_title",
        "Representative's title",
        "Qualité du représentant",
        lambda c: c.company_id.jesignexpert_representative_title,
    ),
    Variable(
        "employee_civility",
        "Employee's civility",
        "Civilité du salarié",
        lambda c: {"male": "M.", "female": "Mme"}.get(_private(c, "gender"), ""),
    ),
    Variable("employee_firstname", "Employee's first name", "Prénom du salarié", lambda c: _names(c)[0]),
    Variable("employee_lastname", "Employee's last name", "Nom du salarié", lambda c: _names(c)[1]),
    Variable("employee_address", "Employee's address", "Adresse du salarié", _employee_address),
    Variable(
        "employee_birthday",
        "Employee's date of birth",
        "Date de naissance du salarié",
        lambda c: _date(c, _private(c, "birthday")),
    ),
    Variable(
        "employee_birthplace",
        "Employee's place of birth",
        "Lieu de naissance du salarié",
        lambda c: _private(c, "place_of_birth"),
    ),
    Variable(
        "employee_nationality",
        "Employee's nationality",
        "Nationalité du salarié",
        lambda c: (_private(c, "country_id") or c.env["res.country"]).name,
    ),
    Variable("employee_job", "Job position", "Poste du salarié", lambda c: c.job_id.name),
    Variable("contract_start", "Contract start date", "Date de début du contrat", lambda c: _date(c, c.date_start)),
    Variable(
        "contract_start_time",
        "Contract start time",
        "Heure de début du contrat",
        lambda c: _time(c.jesignexpert_start_time),
    ),
    Variable("contract_end", "Contract end date", "Date de fin du contrat", lambda c: _date(c, c.date_end)),
    Variable("contract_duration", "Contract duration", "Durée du contrat", _duration),
    Variable(
        "increase_reason",
        "Reason for the temporary increase in activity",
        "Raison de l'accroissement temporaire d'activité",
        lambda c: c.jesignexpert_increase_reason,
    ),
    Variable(
        "wage",
        "Monthly gross wage",
        "Salaire mensuel brut",
        lambda c: c.wage and format_amount(c.env, c.wage, c.currency_id),
    ),
)

BY_KEY = {v.key: v for v in VARIABLES}


def label(variable, lang):
    return variable.label_fr if (lang or "").startswith("fr") else variable.label_en


def search(term):
    """The variables whose label (English or French) or key holds ``term``,
    as the ``@`` completion offers them."""
    term = (term or "").strip().lower()
    return [
        v for v in VARIABLES if not term or term in v.key or term in v.label_en.lower() or term in v.label_fr.lower()
    ]
