import { Interaction } from "@web/public/interaction";
import { registry } from "@web/core/registry";

/**
 * "Copy the code" on the receipt page: puts the tracking code on the clipboard and
 * says so in the status next to the button (read by screen readers).
 */
export class EmowatenCopyCode extends Interaction {
    static selector = ".o_emowaten_copy";
    dynamicContent = {
        _root: { "t-on-click": this.copy },
    };

    async copy() {
        const done = document.getElementById(this.el.getAttribute("aria-describedby"));
        try {
            await navigator.clipboard.writeText(this.el.dataset.copy);
            done?.classList.remove("d-none");
        } catch {
            // no clipboard (an insecure origin): select the code so it can be copied
            const code = this.el.previousElementSibling;
            const range = document.createRange();
            range.selectNodeContents(code);
            window.getSelection().removeAllRanges();
            window.getSelection().addRange(range);
        }
    }
}

registry.category("public.interactions").add("emowaten_portal.copy_code", EmowatenCopyCode);
