import { registry } from "@web/core/registry";

// Values chosen by the Python test (translated names, references).
function cookie(name) {
    const found = document.cookie.split("; ").find((c) => c.startsWith(`${name}=`));
    return found ? decodeURIComponent(found.slice(name.length + 1)) : "";
}

// Mark the screen shown now, so that the next step waits for the one a click opens.
function markStale() {
    document.querySelectorAll(".o_action").forEach((el) => el.classList.add("o_emw_stale"));
}
const NEW_SCREEN = ".o_action:not(.o_emw_stale)";

function openApp(xmlid) {
    return [
        {
            trigger: ".o_navbar_apps_menu button.dropdown-toggle",
            run(helpers) {
                markStale();
                return helpers.click();
            },
        },
        { trigger: `.o-dropdown--menu [data-menu-xmlid='${xmlid}']`, run: "click" },
        { trigger: `.o_main_navbar [data-menu-xmlid='${xmlid}']` },
        { trigger: NEW_SCREEN },
    ];
}

function openMenu(section, item) {
    return [
        {
            trigger: `.o_menu_sections [data-menu-xmlid='${section}']`,
            run(helpers) {
                markStale();
                return helpers.click();
            },
        },
        { trigger: `.o-dropdown--menu [data-menu-xmlid='${item}']`, run: "click" },
        { trigger: NEW_SCREEN },
    ];
}

// The correspondent of the Ministry of Health finds, in the view the Requests app opens
// for him, the file routed to his ministry, opens it and answers from a template.
registry.category("web_tour.tours").add("emowaten_demo_correspondent_tour", {
    url: "/odoo",
    steps: () => [
        ...openApp("emowaten_petitions.emowaten_petitions_menu_root"),
        {
            trigger: `.o_kanban_record:contains("${cookie("emw_request")}")`,
            run: "click",
        },
        {
            trigger: ".o_form_view button[name=action_new_answer]",
            run: "click",
        },
        {
            trigger: ".o_form_view div[name=template_id] input",
            run: `edit ${cookie("emw_template")}`,
        },
        {
            trigger: `.o-autocomplete--dropdown-item a:contains("${cookie("emw_template")}")`,
            run: "click",
        },
        {
            trigger: ".o_form_view div[name=body_html] .odoo-editor-editable:not(:empty)",
        },
        {
            trigger: ".o_form_view button[name=action_submit]",
            run: "click",
        },
        {
            trigger: ".o_form_view:not(:has(button[name=action_submit])) .o_form_statusbar",
        },
    ],
});
