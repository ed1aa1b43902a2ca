import { registry } from "@web/core/registry";
import { cookie, openApp } from "@emowaten_demo/../tests/tours/utils/emowaten_demo_tour_utils";

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
