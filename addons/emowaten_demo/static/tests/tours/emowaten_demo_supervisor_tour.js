import { registry } from "@web/core/registry";
import { openApp, openMenu } from "@emowaten_demo/../tests/tours/utils/emowaten_demo_tour_utils";

const NO_EDIT =
    "body:not(:has(.o-kanban-button-new, .o_list_button_add, .o_form_button_create, " +
    ".o_form_status_indicator_buttons:not(.invisible), .o_list_button_save))";

// The supervisor of the Central Bureau reads the national view and the readiness board;
// neither offers him anything to create or edit.
registry.category("web_tour.tours").add("emowaten_demo_supervisor_tour", {
    url: "/odoo",
    steps: () => [
        ...openApp("emowaten_reporting.emowaten_reporting_menu_root"),
        ...openMenu(
            "emowaten_reporting.emowaten_reporting_menu_dashboards",
            "emowaten_reporting.emowaten_reporting_menu_national"
        ),
        {
            trigger: ".o_pivot_view .o_pivot table .o_pivot_cell_value",
        },
        {
            trigger: `${NO_EDIT} .o_pivot_view`,
        },
        {
            trigger: ".o_cp_switch_buttons .o_switch_view.o_list",
            run: "click",
        },
        {
            trigger: `${NO_EDIT} .o_list_view .o_data_row`,
        },
        ...openApp("emowaten_base.emowaten_base_menu_root"),
        ...openMenu(
            "emowaten_base.emowaten_base_menu_readiness",
            "emowaten_base.emowaten_readiness_menu"
        ),
        {
            trigger: `${NO_EDIT} .o_kanban_view .o_kanban_record`,
        },
        {
            trigger: ".o_kanban_view .o_kanban_record",
            run: "click",
        },
        {
            trigger: `${NO_EDIT} .o_form_view .o_form_readonly`,
        },
    ],
});
