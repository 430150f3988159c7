import { Component, markup } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardFieldProps } from "@web/views/fields/standard_field_props";

/**
 * The contract document as it will be signed.  Double-clicking its signature
 * clause opens the clause for editing, as on the seed's editor; the preview
 * is read again once the clause is saved.
 */
export class DocumentPreviewField extends Component {
    static template = "jesignexpert_connector.DocumentPreviewField";
    static props = { ...standardFieldProps };

    setup() {
        this.action = useService("action");
        this.orm = useService("orm");
        this.hint = _t("Double-click the signature clause to edit it.");
    }

    get html() {
        return markup(this.props.record.data[this.props.name] || "");
    }

    async onDblClick(ev) {
        if (!ev.target.closest(".o_jse_clause") || !(await this.props.record.save())) {
            return;
        }
        const action = await this.orm.call("hr.contract", "action_jesignexpert_edit_clause", [
            [this.props.record.resId],
        ]);
        await this.action.doAction(action, {
            onClose: () => this.props.record.load(),
        });
    }
}

registry.category("fields").add("jse_document_preview", {
    component: DocumentPreviewField,
    supportedTypes: ["html"],
});
