import { onWillStart } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { ListController } from "@web/views/list/list_controller";
import { listView } from "@web/views/list/list_view";

/**
 * The signature collections, with a warning above them while a cabinet of
 * the user's companies has no jesignexpert.com access that holds: signed
 * documents cannot come home until someone links theirs.
 */
export class CollectionListController extends ListController {
    static template = "jesignexpert_connector.CollectionListView";

    setup() {
        super.setup();
        this.orm = useService("orm");
        this.accessWarnings = [];
        onWillStart(async () => {
            this.accessWarnings = await this.orm.call("jesignexpert.firm", "get_access_warnings", []);
        });
    }
}

registry.category("views").add("jesignexpert_collection_list", {
    ...listView,
    Controller: CollectionListController,
});
