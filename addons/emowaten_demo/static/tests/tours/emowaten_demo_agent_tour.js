import { registry } from "@web/core/registry";
import { cookie } from "@emowaten_demo/../tests/tours/utils/emowaten_demo_tour_utils";

// The counter agent registers a new citizen's request, prints the receipt, screens it
// admissible, routes it to the Ministry of Health, transfers it with a reason, then
// declares another request inadmissible with a reason.
registry.category("web_tour.tours").add("emowaten_demo_agent_tour", {
    url: "/odoo",
    steps: () => [
        {
            trigger: ".o_navbar_apps_menu button.dropdown-toggle",
            run: "click",
        },
        {
            trigger:
                ".o-dropdown--menu [data-menu-xmlid='emowaten_petitions.emowaten_petitions_menu_root']",
            run: "click",
        },
        {
            trigger:
                ".o_control_panel_main_buttons button.o-kanban-button-new, " +
                ".o_control_panel_main_buttons button.o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_form_view div[name=subject] input",
            run: "edit Journey agent: pothole in front of the school",
        },
        {
            trigger: ".o_form_view div[name=intake_cin] input",
            run: `edit ${cookie("emw_cin")}`,
        },
        {
            trigger: ".o_form_view div[name=intake_phone] input",
            run: `edit ${cookie("emw_phone")}`,
        },
        {
            trigger: ".o_form_view div[name=intake_name] input",
            run: "edit Journey Citizen",
        },
        {
            trigger: ".o_form_view button[name=action_register]",
            run: "click",
        },
        {
            trigger: ".o_form_view div[name=tracking_code]:not(:empty)",
        },
        {
            trigger: ".o_form_view button[name=action_print_receipt]",
            run() {
                window.emowatenCaptureReports = [];
            },
        },
        {
            trigger: ".o_form_view button[name=action_print_receipt]",
            run: "click",
        },
        {
            trigger: "body[data-emowaten-report='emowaten_petitions.report_request_receipt']",
        },
        {
            trigger: ".o_form_view button[name=action_screen_admissible]",
            run: "click",
        },
        {
            trigger: ".o_form_statusbar:not(:has(button[name=action_screen_admissible]))",
        },
        {
            trigger: `.o_form_statusbar button[name='${cookie("emw_route")}']`,
            run: "click",
        },
        {
            trigger: ".modal div[name=body_ids] input",
            run: "edit MIN-SAN",
        },
        {
            trigger: `.modal .o-autocomplete--dropdown-item a:contains("${cookie("emw_health")}")`,
            run: "click",
        },
        {
            trigger: ".modal div[name=body_ids] .o_tag",
        },
        {
            trigger: ".modal button[name=action_route]",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal)) .o_form_view button[name=action_open_children]",
        },
        {
            trigger: `.o_form_statusbar button[name='${cookie("emw_transfer")}']`,
            run: "click",
        },
        {
            trigger: ".modal div[name=body_id] input",
            run: "edit GOV-11",
        },
        {
            trigger: `.modal .o-autocomplete--dropdown-item a:contains("${cookie("emw_tunis")}")`,
            run: "click",
        },
        {
            trigger: ".modal div[name=reason] textarea",
            run: "edit The Governorate maintains the roads around schools",
        },
        {
            trigger: ".modal button[name=action_transfer]",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal)) .o_form_view",
        },
        {
            trigger: ".o_breadcrumb .breadcrumb-item a",
            run: "click",
        },
        {
            trigger: ".o_searchview_input",
            run: `edit ${cookie("emw_candidate")}`,
        },
        {
            trigger: ".o_searchview_input",
            run: "press Enter",
        },
        {
            trigger: ".o_kanban_record:contains(Journey inadmissible)",
            run: "click",
        },
        {
            trigger: `.o_form_statusbar button[name='${cookie("emw_screen")}']`,
            run: "click",
        },
        {
            trigger: ".modal div[name=reason_id] input",
            run: `edit ${cookie("emw_reason")}`,
        },
        {
            trigger: `.modal .o-autocomplete--dropdown-item a:contains("${cookie("emw_reason")}")`,
            run: "click",
        },
        {
            trigger: ".modal div[name=competent_body_id] input",
            run: "edit MIN-MAS",
        },
        {
            trigger: `.modal .o-autocomplete--dropdown-item a:contains("${cookie("emw_social")}")`,
            run: "click",
        },
        {
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal)) .o_form_view div[name=inadmissibility_reason_id]",
        },
    ],
});
