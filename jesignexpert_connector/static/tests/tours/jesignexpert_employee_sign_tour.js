import { registry } from "@web/core/registry";

/* From an employee with no contract: "Electronic signature", a PDF attached
 * to the employee, the three steps, and the draft is prepared on
 * jesignexpert.com. */
registry.category("web_tour.tours").add("jesignexpert_employee_sign_tour", {
    steps: () => [
        {
            content: "Electronic signature, from the employee's form",
            trigger: ".o_form_view button[name='action_jesignexpert_sign']",
            run: "click",
        },
        {
            content: "Step 1: no contract's document to choose, the employee's PDF is",
            trigger: ".modal:not(:has(.o_field_widget[name='document_source'])) .o_field_widget[name='employee_source'] input[data-value='attachment']:checked",
        },
        {
            content: "Another PDF could be uploaded",
            trigger: ".modal .o_field_widget[name='employee_source'] input[data-value='upload']",
            run: "click",
        },
        {
            content: "The upload field shows",
            trigger: ".modal .o_field_widget[name='upload']",
        },
        {
            content: "Back to the attached PDF",
            trigger: ".modal .o_field_widget[name='employee_source'] input[data-value='attachment']",
            run: "click",
        },
        {
            content: "The attached PDF is chosen",
            trigger: ".modal .o_field_widget[name='attachment_id'] input:value(Lettre de mission.pdf)",
        },
        {
            content: "Next",
            trigger: ".modal button[name='action_next']",
            run: "click",
        },
        {
            content: "Step 2: the employer's representative and the employee",
            trigger: ".modal .o_field_one2many[name='line_ids'] .o_data_row:contains(lea.martin@example.com)",
        },
        {
            content: "Next",
            trigger: ".modal button[name='action_next']",
            run: "click",
        },
        {
            content: "Step 3: the fields are placed at the foot of the last page",
            trigger: ".modal .alert:contains(at the foot of its last page), .modal .alert:contains(au bas de sa dernière page)",
        },
        {
            content: "Prepare on jesignexpert.com: the browser goes to the draft's page there",
            trigger: ".modal button[name='action_confirm']",
            run: "click",
            expectUnloadPage: true,
        },
    ],
});
