"""The platform's own words: the codes jesignexpert.com gives the states of a
transaction and of a signatory, the French labels its pages show for them,
and the room a signature takes on a page.

The sandbox is the platform: it carries its vocabulary itself and imports
nothing from the connector.  None of these is public (jse-api-facts.md, "Not
public"): they are the sandbox's reading, ASSUMED, as the connector's client
assumes the same.
"""

# ASSUMED: the statuses the API reports for a transaction, with their labels.
TRANSACTION_LABELS = {
    "draft": "Brouillon",
    "prepared": "Préparé",
    "sent": "Envoyé",
    "signed": "Signé",
    "refused": "Refusé",
    "expired": "Expiré",
    "cancelled": "Annulé",
}
# Not sent yet: it can still be completed, prepared, sent or deleted.
DRAFT_STATUSES = ("draft", "prepared")
# ASSUMED: the statuses the API reports for a signatory, with their labels.
SIGNATORY_LABELS = {"waiting": "En attente", "invited": "Invité", "signed": "Signé", "refused": "Refusé"}

# ASSUMED: the room a signature takes on the page, in PDF points.
SIGN_FIELD_WIDTH = 170
SIGN_FIELD_HEIGHT = 42
