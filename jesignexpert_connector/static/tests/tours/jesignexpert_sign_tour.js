import { registry } from "@web/core/registry";

/* From a contract: "Electronic signature", the three steps, and the draft is
 * prepared on jesignexpert.com. */
registry.category("web_tour.tours").add("jesignexpert_sign_tour", {
    steps: () => [
        {
            content: "Electronic signature",
            trigger: ".o_form_view button[name='action_jesignexpert_sign']",
            run: "click",
        },
        {
            content: "Step 1: the document and its title",
            trigger: ".modal .o_field_widget[name='title'] input",
            run: "edit CDD Marc Langlois - signature",
        },
        {
            content: "Next",
            trigger: ".modal button[name='action_next']",
            run: "click",
        },
        {
            content: "Step 2: the signers, filled from the clause",
            trigger: ".modal .o_field_one2many[name='line_ids'] .o_data_row:contains(marc.langlois@example.com)",
        },
        {
            content: "Next",
            trigger: ".modal button[name='action_next']",
            run: "click",
        },
        {
            content: "Step 3: the sending, with the invitation's preview",
            trigger: ".modal .o_field_widget[name='email_preview']:contains(vous invite à signer un document), .modal .o_field_widget[name='email_preview']:contains(invites you to sign a document)",
        },
        {
            content: "Prepare on jesignexpert.com: the browser goes to the draft's page there",
            trigger: ".modal button[name='action_confirm']",
            run: "click",
            expectUnloadPage: true,
        },
    ],
});
