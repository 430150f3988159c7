import { registry } from "@web/core/registry";

/* (Checked in English and in French: the words are the ones a user reads.)
 * A sent collection: "Cancel the collection", confirmed; it is cancelled and
 * the chatter says so. */
registry.category("web_tour.tours").add("jesignexpert_cancel_tour", {
    steps: () => [
        {
            content: "The collection is sent",
            trigger: ".o_form_view .o_arrow_button_current[data-value='sent']",
        },
        {
            content: "Cancel the collection",
            trigger: ".o_form_view button[name='action_cancel']",
            run: "click",
        },
        {
            content: "Confirm: its signers will no longer be able to sign",
            trigger:
                ".modal:contains(no longer be able to sign) .modal-footer .btn-primary, " +
                ".modal:contains(ne pourront plus signer) .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "It is cancelled",
            trigger: ".o_form_view .o_arrow_button_current[data-value='cancelled']",
        },
        {
            content: "The chatter says it",
            trigger:
                ".o-mail-Message:contains(nobody can sign it any more), " +
                ".o-mail-Message:contains(plus personne ne peut la signer)",
        },
    ],
});

/* A contract whose collection came back signed: its Document tab offers the
 * signed document. */
registry.category("web_tour.tours").add("jesignexpert_signed_document_tour", {
    steps: () => [
        {
            content: "The Document tab",
            trigger: ".o_notebook_headers a.nav-link[name='jesignexpert_document']",
            run: "click",
        },
        {
            content: "The signed document, to download",
            trigger: ".o_field_widget[name='jesignexpert_signed_document'] a.o_form_uri:contains(signé.pdf)",
        },
        {
            content: "Its collection, signed: open it",
            trigger:
                ".o_field_widget[name='jesignexpert_collection_ids'] .o_data_row:contains(Signed) td.o_data_cell, " +
                ".o_field_widget[name='jesignexpert_collection_ids'] .o_data_row:contains(Signé) td.o_data_cell",
            run: "click",
        },
        {
            content: "The collection offers the signed PDF and the proof",
            trigger:
                ".o_field_widget[name='signed_document'] a.o_form_uri:contains(signé.pdf)," +
                ".modal .o_field_widget[name='signed_document'] a.o_form_uri:contains(signé.pdf)",
        },
        {
            content: "and its proof",
            trigger: ".o_field_widget[name='proof_document'] a.o_form_uri:contains(preuve.zip)",
        },
    ],
});
