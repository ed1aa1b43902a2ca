import { Interaction } from "@web/public/interaction";
import { registry } from "@web/core/registry";

/**
 * A page sent back with errors (the filing form, tracking, an action on a request)
 * moves the keyboard focus to its error message: screen readers read it at once and
 * the next Tab goes on from there. The message has role="alert" and tabindex="-1".
 */
export class EmowatenFocusOnLoad extends Interaction {
    static selector = ".o_emowaten_focus_on_load";

    start() {
        if (this.el === document.querySelector(".o_emowaten_focus_on_load")) {
            this.el.focus();
        }
    }
}

registry.category("public.interactions").add("emowaten_portal.focus_on_load", EmowatenFocusOnLoad);
