import { Plugin } from "@html_editor/plugin";
import { parseHTML } from "@html_editor/utils/html";

/**
 * Typing "@" in a contract document (template, signature clause) offers the
 * variables whose label matches what follows, as jesignexpert_connector's
 * variables.py lists them; choosing one replaces "@..." with the variable.
 */
export class JseVariablePlugin extends Plugin {
    static id = "jseVariable";
    static dependencies = ["powerbox", "selection", "history", "dom"];
    resources = {
        input_handlers: this.onInput.bind(this),
        delete_handlers: this.update.bind(this),
    };

    setup() {
        this.searching = false;
        this.lastRequest = 0;
    }


    onInput(ev) {
        if (ev.data === "@") {
            const selection = this.dependencies.selection.getEditableSelection();
            this.node = selection.startContainer;
            this.offset = selection.startOffset - 1;
            this.searching = true;
        }
        this.update();
    }

    async update() {
        if (!this.searching) {
            return;
        }
        const selection = this.dependencies.selection.getEditableSelection();
        const text = this.node.nodeValue || "";
        if (selection.endContainer !== this.node || text[this.offset] !== "@" || selection.endOffset <= this.offset) {
            this.close();
            return;
        }
        const term = text.slice(this.offset + 1, selection.endOffset);
        const request = ++this.lastRequest;
        const variables = await this.services.orm.call(
            "jesignexpert.document.template",
            "search_variables",
            [term]
        );
        if (!this.searching || request !== this.lastRequest) {
            return; // closed meanwhile, or a later keystroke asked again
        }
        if (!variables.length) {
            this.dependencies.powerbox.closePowerbox();
            return;
        }
        this.dependencies.powerbox.openPowerbox({
            commands: variables.map((variable) => ({
                title: variable.label,
                description: variable.key,
                icon: "fa-at",
                run: () => this.insertVariable(variable),
            })),
            onClose: () => {
                this.searching = false;
            },
        });
    }

    insertVariable(variable) {
        // The variable takes the place of the "@..." typed.
        const selection = this.dependencies.selection.getEditableSelection();
        const end = selection.endContainer === this.node ? selection.endOffset : this.offset + 1;
        this.dependencies.selection.setSelection({
            anchorNode: this.node,
            anchorOffset: this.offset,
            focusNode: this.node,
            focusOffset: end,
        });
        this.dependencies.dom.insert(parseHTML(this.document, `${variable.html}\u00a0`));
        this.dependencies.history.addStep();
    }

    close() {
        this.searching = false;
        this.dependencies.powerbox.closePowerbox();
    }
}
