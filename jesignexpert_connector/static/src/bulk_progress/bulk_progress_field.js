import { onWillUnmount } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { ProgressBarField, progressBarField } from "@web/views/fields/progress_bar/progress_bar_field";

// Seconds between two looks at a sending being prepared in the background.
const REFRESH_SECONDS = 3;

/**
 * The progress of a bulk sending: while the scheduled action prepares its
 * drafts, the page reloads the record every few seconds, so the bar, the
 * counts and each contract's state move on their own (nothing to save: the
 * sending is not editable then).
 */
export class BulkProgressField extends ProgressBarField {
    setup() {
        super.setup();
        const timer = setInterval(() => {
            const record = this.props.record;
            if (record.data.state === "running" && !record.dirty) {
                record.load();
            }
        }, REFRESH_SECONDS * 1000);
        onWillUnmount(() => clearInterval(timer));
    }
}

registry.category("fields").add("jse_bulk_progress", {
    ...progressBarField,
    component: BulkProgressField,
});
