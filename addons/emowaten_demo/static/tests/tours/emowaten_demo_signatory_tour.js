import { registry } from "@web/core/registry";

// The signatory's journey on the demo database: open the answers that wait for the
// signature, open one, try a wrong PIN (a clear message, the answer still waits),
// then type the right PIN in the same dialog, as the message says; the answer is sent.
//
// The test passes the reference of the request to sign and the PINs in cookies
// (emowaten_journey_*). Steps use names and classes only, never texts: the same tour
// runs in Arabic and in French.

function cookie(name) {
    const prefix = `emowaten_journey_${name}=`;
    const found = document.cookie.split("; ").find((c) => c.startsWith(prefix));
    return found ? decodeURIComponent(found.slice(prefix.length)) : "";
}

const ARABIC = /[\u0600-\u06FF]/;
const LATIN_WORD = /[A-Za-z\u00C0-\u017F]{3,}/;
// the screens' own wording (menus, column titles, labels, buttons, dialog titles), not
// the data shown in them
const WORDING = [
    ".o_menu_sections [data-menu-xmlid]",
    ".o_list_view thead th",
    ".o_form_view .o_form_label",
    ".o_statusbar_buttons button",
    ".o_statusbar_status button",
    ".modal-title",
    ".modal-footer button",
    ".modal .o_field_widget[name=result_html] p",
    ".o_searchview .o_facet_value",
    ".o_breadcrumb .active",
    ".o_form_view .oe_title",
].join(", ");
const KEY = "emowaten_demo_signatory_problems";

// What is wrong with the language of a screen is collected and reported by the last
// step, so that the rest of the journey still runs and shows its own defects.
function problem(text) {
    const problems = new Set(JSON.parse(window.sessionStorage.getItem(KEY) || "[]"));
    problems.add(text);
    window.sessionStorage.setItem(KEY, JSON.stringify([...problems]));
}

function checkLanguage(where) {
    const lang = cookie("lang");
    const expected = lang === "ar" ? "rtl" : "ltr";
    const actual = getComputedStyle(document.querySelector(".o_action_manager")).direction;
    if (actual !== expected) {
        problem(`${where}: the screen of the ${lang} journey is written ${actual}`);
    }
    for (const element of document.querySelectorAll(WORDING)) {
        const text = element.textContent.replace(/\s+/g, " ").trim();
        // references such as TUN-2026-000123 are not wording
        const latin = LATIN_WORD.test(text.replace(/[A-Z]{2,}-[0-9-]+/g, ""));
        if (lang === "ar" && latin && !ARABIC.test(text)) {
            problem(`${where}: untranslated wording "${text.slice(0, 80)}"`);
        } else if (lang !== "ar" && !latin && ARABIC.test(text)) {
            problem(`${where}: Arabic wording on a French screen "${text.slice(0, 80)}"`);
        }
    }
}

const SIGN_BUTTON = ".o_form_view .o_statusbar_buttons button[name=action_emowaten_sign]";
const PIN_INPUT = ".modal .o_field_widget[name=pin] input";
const WIZARD_SIGN = ".modal .modal-footer button[name=action_sign]";
const WIZARD_CLOSE = ".modal .modal-footer button.btn-secondary";
const RESULT = ".modal .o_field_widget[name=result_html]";

registry.category("web_tour.tours").add("emowaten_demo_signatory_tour", {
    url: "/odoo",
    steps: () => [
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Open the Requests app",
            trigger: ".o_app[data-menu-xmlid='emowaten_petitions.emowaten_petitions_menu_root']",
            run: "click",
        },
        {
            content: "Open the answers waiting for my signature",
            trigger: ".o_menu_sections [data-menu-xmlid='emowaten_petitions.emowaten_answer_to_sign_menu']",
            run: "click",
        },
        {
            content: "The list shows the answers waiting for a signature",
            trigger: ".o_list_view .o_searchview .o_facet_value",
            run() {
                window.sessionStorage.setItem(KEY, "[]");
                checkLanguage("answers to sign");
            },
        },
        {
            content: "Open the answer to the request to sign",
            trigger: `.o_list_view .o_data_row td[name=request_id]:contains(${cookie("ref")})`,
            run: "click",
        },
        {
            content: "The answer waits for its signature",
            trigger: ".o_form_view .o_statusbar_status:has(.o_arrow_button_current[data-value=to_sign])",
            run() {
                checkLanguage("answer to sign");
            },
        },
        // ------------------------------------------------------- wrong PIN
        {
            content: "Sign",
            trigger: SIGN_BUTTON,
            run: "click",
        },
        {
            content: "Type a wrong PIN",
            trigger: PIN_INPUT,
            run: `edit ${cookie("wrong_pin")}`,
        },
        {
            content: "Press Sign",
            trigger: WIZARD_SIGN,
            run: "click",
        },
        {
            content: "A clear message says the PIN was refused, and the answer is still to sign",
            trigger: `${RESULT} .text-danger`,
            run() {
                const message = document.querySelector(`${RESULT}`).textContent.trim();
                if (message.length < 10 || /Traceback|Error:|pkcs11\./.test(message)) {
                    throw new Error(`Unclear message after a wrong PIN: "${message}"`);
                }
                if (!document.querySelector(WIZARD_SIGN)) {
                    throw new Error("After a wrong PIN the dialog no longer offers to sign");
                }
                checkLanguage("wrong PIN");
            },
        },
        {
            content: "Keep a picture of the message",
            trigger: `${RESULT} .text-danger`,
            async run() {
                console.log("emowaten-screenshot:wrong_pin");
                await new Promise((resolve) => setTimeout(resolve, 1000));
            },
        },
        {
            content: "Nothing is lost: the dialog says the answer still waits, and asks for the PIN again",
            trigger: `${RESULT} .text-warning`,
            run() {
                if (!document.querySelector(PIN_INPUT)) {
                    throw new Error(
                        "After a wrong PIN the dialog asks to type the PIN again, but shows no PIN field"
                    );
                }
            },
        },
        // ------------------------------------------------------- right PIN
        {
            content: "Type the PIN of the demo key, in the same dialog as the message says",
            trigger: PIN_INPUT,
            run: `edit ${cookie("pin")}`,
        },
        {
            content: "Press Sign",
            trigger: WIZARD_SIGN,
            run: "click",
        },
        {
            content: "The dialog says the answer was signed and sent",
            trigger: `${RESULT} .text-success`,
            run() {
                if (document.querySelector(`${RESULT} .text-danger`)) {
                    const message = document.querySelector(RESULT).textContent.trim();
                    throw new Error(`Signed with a refusal: "${message}"`);
                }
                checkLanguage("signed");
            },
        },
        {
            content: "Close the dialog",
            trigger: WIZARD_CLOSE,
            run: "click",
        },
        {
            content: "The answer is sent, with its signed letter",
            trigger: ".o_form_view .o_statusbar_status:has(.o_arrow_button_current[data-value=sent])",
            run() {
                if (!document.querySelector(".o_form_view .o_field_widget[name=signed_attachment_id]")) {
                    throw new Error("The signed letter is not shown on the answer");
                }
                checkLanguage("answer sent");
            },
        },
        {
            content: "Every screen was in the journey's language",
            trigger: ".o_form_view",
            run() {
                const problems = JSON.parse(window.sessionStorage.getItem(KEY) || "[]");
                if (problems.length) {
                    throw new Error(
                        `The screens of the journey are not all right in "${cookie("lang")}":\n` +
                            problems.join("\n")
                    );
                }
            },
        },
    ],
});
