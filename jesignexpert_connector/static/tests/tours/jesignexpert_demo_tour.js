import { registry } from "@web/core/registry";

/* The demo's journey, on the demo data and with clicks only (make run, the
 * README's first five minutes): the contracts, Marc Langlois' CDD, its
 * document with every value filled, "Electronic signature", the three steps
 * with both signers filled by themselves, and the draft on jesignexpert.com.
 * (Checked in English and in French: the words are the ones a user reads.) */
registry.category("web_tour.tours").add("jesignexpert_demo_tour", {
    steps: () => [
        {
            content: "The new contracts",
            trigger: ".o_list_view .o_group_header:contains(New), .o_list_view .o_group_header:contains(Nouveau)",
            run: "click",
        },
        {
            content: "Marc Langlois' CDD",
            trigger: ".o_list_view .o_data_row:contains(CDD MARC LANGLOIS) td.o_data_cell[name='name']",
            run: "click",
        },
        {
            content: "Its Document tab",
            trigger: ".o_form_view .o_notebook_headers a.nav-link[name='jesignexpert_document']",
            run: "click",
        },
        {
            content: "The document, every value filled: no (Label) left",
            trigger:
                ".o_field_widget[name='jesignexpert_document']:not(:has(.o_jse_missing))" +
                ":contains(Lefebvre Daloz - SAS au capital social de):contains(Marc Langlois, demeurant 3 place Bellecour)",
        },
        {
            content: "Electronic signature",
            trigger: ".o_form_view button[name='action_jesignexpert_sign']",
            run: "click",
        },
        {
            content: "Step 1: the document, titled after the contract",
            trigger: ".modal .o_field_widget[name='pdf_pages']:contains(2)",
        },
        {
            content: "Next",
            trigger: ".modal button[name='action_next']",
            run: "click",
        },
        {
            content: "Step 2: the employer's representative, filled by itself",
            trigger: ".modal .o_field_one2many[name='line_ids'] .o_data_row:contains(Jean Doe):contains(jean.doe@opus.fr)",
        },
        {
            content: "and the employee",
            trigger:
                ".modal .o_field_one2many[name='line_ids'] .o_data_row:contains(Marc Langlois):contains(marc.langlois@example.com)",
        },
        {
            content: "Next",
            trigger: ".modal button[name='action_next']",
            run: "click",
        },
        {
            content: "Step 3: the sending, with the invitation's preview",
            trigger:
                ".modal .o_field_widget[name='email_preview']:contains(Lefebvre Daloz vous invite à signer un document), " +
                ".modal .o_field_widget[name='email_preview']:contains(Lefebvre Daloz invites you to sign a document)",
        },
        {
            content: "Prepare on jesignexpert.com: the browser goes to the draft's page there",
            trigger: ".modal button[name='action_confirm']",
            run: "click",
            expectUnloadPage: true,
        },
    ],
});
