import { registry } from "@web/core/registry";

/* An administrator opens the jesignexpert.com settings and clicks "Link a
 * jesignexpert.com account": the browser leaves Odoo for the login page of
 * jesignexpert.com (the sandbox, in tests). */
registry.category("web_tour.tours").add("jesignexpert_link_tour", {
    url: "/odoo/settings#jesignexpert_connector",
    steps: () => [
        {
            content: "The jesignexpert.com settings explain the billing",
            trigger: ".app_settings_block:contains(Setting up the jesignexpert.com connector is free)",
        },
        {
            content: "Link a jesignexpert.com account",
            trigger: "button[name='action_jesignexpert_link']",
            run: "click",
            expectUnloadPage: true,
        },
    ],
});
