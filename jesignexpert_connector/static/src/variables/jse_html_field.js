import { HtmlField, htmlField } from "@html_editor/fields/html_field";
import { registry } from "@web/core/registry";
import { JseVariablePlugin } from "./variable_plugin";

/** The HTML editor of contract documents: the standard one, plus "@" variables. */
export class JseHtmlField extends HtmlField {
    getConfig() {
        const config = super.getConfig();
        config.Plugins = [...config.Plugins, JseVariablePlugin];
        return config;
    }
}

registry.category("fields").add("jse_html", { ...htmlField, component: JseHtmlField });
