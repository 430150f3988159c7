"""The platform's own words, which the sandbox carries itself (it imports
nothing from the connector): the status codes of a transaction and of a
signatory with the French labels its pages show, and a signature's room on
a page.  None is public: ASSUMED, as the connector's client assumes them."""

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
