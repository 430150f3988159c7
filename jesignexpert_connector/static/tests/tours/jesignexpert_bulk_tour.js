import { rpc } from "@web/core/network/rpc";
import { registry } from "@web/core/registry";

/** Runs the bulk sending's scheduled action now, as Odoo's cron worker would. */
async function runTheScheduledAction() {
    const [cron] = await rpc("/web/dataset/call_kw/ir.cron/search_read", {
        model: "ir.cron",
        method: "search_read",
        args: [[["ir_actions_server_id.code", "=", "model._cron_prepare()"]], ["id"]],
        kwargs: {},
    });
    await rpc("/web/dataset/call_kw/ir.cron/method_direct_trigger", {
        model: "ir.cron",
        method: "method_direct_trigger",
        args: [[cron.id]],
        kwargs: {},
    });
}

/* Several contracts at once, from the list of contracts: select them,
 * Actions, Electronic signature; one contract has no document and is left
 * out with the user's say-so; the e-mail is written once; the drafts are
 * prepared in the background while the page shows how far it is, and
 * moves on by itself when the scheduled action has made them. */
registry.category("web_tour.tours").add("jesignexpert_bulk_tour", {
    steps: () => [
        {
            content: "The new contracts",
            trigger: ".o_list_view .o_group_header:contains(New), .o_list_view .o_group_header:contains(Nouveau)",
            run: "click",
        },
        {
            content: "Select Marc Langlois' CDD",
            trigger: ".o_list_view .o_data_row:contains(CDD MARC LANGLOIS) .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Julie Bernard's",
            trigger: ".o_list_view .o_data_row:contains(CDD JULIE BERNARD) .o_list_record_selector input",
            run: "click",
        },
        {
            content: "and the amendment, which has no document",
            trigger: ".o_list_view .o_data_row:contains(AVENANT SANS DOCUMENT) .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Actions",
            trigger: ".o_control_panel .o_cp_action_menus button:has(.fa-cog)",
            run: "click",
        },
        {
            content: "Electronic signature",
            trigger: ".o-dropdown--menu .o-dropdown-item:contains(Electronic signature), .o-dropdown--menu .o-dropdown-item:contains(Signature électronique)",
            run: "click",
        },
        {
            content: "One sending for the three contracts, each with its signers",
            trigger:
                ".o_form_view .o_field_one2many[name='line_ids'] .o_data_row:contains(CDD JULIE BERNARD):contains(Jean Doe, Julie Bernard)",
        },
        {
            content: "The amendment says why it cannot be sent",
            trigger: ".o_form_view .o_data_row:contains(AVENANT SANS DOCUMENT):contains(No document)",
        },
        {
            content: "Leave it out",
            trigger: ".o_form_view .o_field_widget[name='leave_out'] input",
            run: "click",
        },
        {
            content: "Next",
            trigger: ".o_form_view button[name='action_next']",
            run: "click",
        },
        {
            content: "The sending, written once for every contract",
            trigger: ".o_form_view .o_field_widget[name='mail_subject'] input",
            run: "edit Vos contrats à signer",
        },
        {
            content: "Prepare on jesignexpert.com",
            trigger: ".o_form_view button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The drafts are being prepared in the background, with their progress",
            trigger: ".o_form_view .o_field_widget[name='progress']",
        },
        {
            content: "The contracts wait for the background job",
            trigger: ".o_form_view .o_data_row:contains(CDD MARC LANGLOIS) .o_field_badge:contains(Waiting)",
        },
        {
            content: "and the amendment is left out",
            trigger: ".o_form_view .o_data_row:contains(AVENANT SANS DOCUMENT) .o_field_badge:contains(Left out)",
            run: runTheScheduledAction,
            // The scheduled action renders two PDFs: on a loaded machine, more than the default 10 s.
            timeout: 60000,
        },
        {
            content: "The page shows, without a click, the drafts the scheduled action made",
            trigger: ".o_form_view .o_data_row:contains(CDD MARC LANGLOIS) .o_field_badge:contains(Draft prepared)",
        },
        {
            content: "with the link to each draft's page on jesignexpert.com",
            trigger:
                ".o_form_view .o_data_row:contains(CDD JULIE BERNARD):has(.o_field_badge:contains(Draft prepared)) " +
                ".o_field_url a:contains(Open on jesignexpert.com)",
        },
        {
            content: "and the sending is done",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Done)",
        },
    ],
});
