import { registry } from "@web/core/registry";

/* In a contract template's body, "@" followed by part of a variable's name
 * offers the matching variables; choosing one inserts it. */
registry.category("web_tour.tours").add("jesignexpert_variable_tour", {
    steps: () => [
        {
            content: "Type @birth at the end of the body",
            trigger: ".o_field_jse_html[name='body'] .odoo-editor-editable p:last-child",
            async run({ anchor }) {
                const selection = document.getSelection();
                selection.setBaseAndExtent(anchor, anchor.childNodes.length, anchor, anchor.childNodes.length);
                for (const char of "@birth") {
                    // As the browser types: beforeinput, the text, input.
                    document.execCommand("insertText", false, char);
                    await new Promise((resolve) => setTimeout(resolve, 30));
                }
            },
        },
        {
            content: "The variables about birth are offered",
            trigger: ".o-we-powerbox .o-we-command:contains(employee_birthplace)",
        },
        {
            content: "Choose the date of birth",
            trigger: ".o-we-powerbox .o-we-command:contains(employee_birthday)",
            run: "click",
        },
        {
            content: "The variable is in the text, the typed @birth is gone",
            trigger: ".odoo-editor-editable span[data-jse-var='employee_birthday']",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_form_saved",
        },
    ],
});
