import { registry } from "@web/core/registry";

// An agent registers, at the counter, the request of a citizen standing in front of
// them, then moves it across the kanban of the office.
registry.category("web_tour.tours").add("emowaten_request_counter_tour", {
    url: "/odoo/action-emowaten_petitions.emowaten_request_action",
    steps: () => [
        {
            trigger: ".o_kanban_renderer .o_kanban_group",
            timeout: 60000,
        },
        {
            trigger: ".o-kanban-button-new",
            timeout: 60000,
            run: "click",
        },
        {
            trigger: ".o_form_view div[name=subject] input",
            timeout: 60000,
            run: "edit Tour: broken street lights in Rue de la Liberté",
        },
        {
            trigger: ".o_form_view div[name=partner_id] input",
            timeout: 60000,
            run: "edit Tour Citizen",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains(Tour Citizen)",
            timeout: 60000,
            run: "click",
        },
        {
            trigger: ".o_form_view button[name=action_register]",
            timeout: 60000,
            run: "click",
        },
        {
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Registered)",
            timeout: 60000,
        },
        {
            trigger: ".o_form_view div[name=tracking_code]:not(:empty)",
            timeout: 60000,
        },
        {
            trigger: ".o_breadcrumb .breadcrumb-item a",
            timeout: 60000,
            run: "click",
        },
        {
            trigger: ".o_kanban_group:has(.o_column_title:contains(Registered)) .o_kanban_record:contains(broken street lights)",
            timeout: 60000,
            run: "drag_and_drop (.o_kanban_group:has(.o_column_title:contains(Under Study)))",
        },
        {
            trigger: ".o_kanban_group:has(.o_column_title:contains(Under Study)) .o_kanban_record:contains(broken street lights)",
            timeout: 60000,
        },
    ],
});
