import { registry } from "@web/core/registry";

/* From a contract's document preview: double-click the signature clause,
 * add a third signer, save for this contract only, and see it in the preview. */
registry.category("web_tour.tours").add("jesignexpert_clause_tour", {
    steps: () => [
        {
            content: "Open the Document tab",
            trigger: ".o_notebook a[name='jesignexpert_document']",
            run: "click",
        },
        {
            content: "Double-click the signature clause in the preview",
            trigger: ".o_jse_preview .o_jse_clause",
            run: "dblclick",
        },
        {
            content: "The clause opens with its two signers",
            trigger: ".modal .o_field_one2many[name='slot_ids'] .o_data_row:nth-child(2)",
        },
        {
            content: "Add a third signer",
            trigger: ".modal .o_field_one2many[name='slot_ids'] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "Its referent: the employer",
            trigger: ".modal .o_field_widget[name='referent'] input[data-value='employer']",
            run: "click",
        },
        {
            content: "Its mention",
            trigger: ".modal .o_field_widget[name='mention'] input",
            run: "edit Bon pour accord",
        },
        {
            content: "Keep this signer",
            trigger: ".modal:has(.o_field_widget[name='mention']) .o_form_button_save",
            run: "click",
        },
        {
            content: "The clause now has three signers",
            trigger: ".modal .o_field_one2many[name='slot_ids'] .o_data_row:nth-child(3)",
        },
        {
            content: "Save for this contract only",
            trigger: ".modal button[name='action_save_contract_only']",
            run: "click",
        },
        {
            content: "The preview shows the third signature",
            trigger: ".o_jse_preview .o_jse_clause:contains(Signature 3):contains(Bon pour accord)",
        },
    ],
});
