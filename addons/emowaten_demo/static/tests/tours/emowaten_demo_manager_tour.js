import { registry } from "@web/core/registry";
import { NEW_SCREEN, cookie, markStale, openApp, openMenu } from "@emowaten_demo/../tests/tours/utils/emowaten_demo_tour_utils";

// The head of the Tunis office looks at the overdue files on the deadline board, at his
// office's dashboard, and prints the XLSX statistics.
registry.category("web_tour.tours").add("emowaten_demo_manager_tour", {
    url: "/odoo",
    steps: () => [
        ...openApp("emowaten_petitions.emowaten_petitions_menu_root"),
        {
            trigger: ".o_menu_sections [data-menu-xmlid='emowaten_petitions.emowaten_request_board_menu']",
            run(helpers) {
                markStale();
                return helpers.click();
            },
        },
        { trigger: NEW_SCREEN },
        {
            trigger: ".o_pivot_view .o_pivot table .o_pivot_cell_value",
        },
        {
            trigger: ".o_cp_switch_buttons .o_switch_view.o_list",
            run: "click",
        },
        {
            trigger: `.o_list_view .o_data_row:contains("${cookie("emw_overdue")}")`,
        },
        ...openApp("emowaten_reporting.emowaten_reporting_menu_root"),
        ...openMenu(
            "emowaten_reporting.emowaten_reporting_menu_dashboards",
            "emowaten_reporting.emowaten_reporting_menu_office"
        ),
        {
            trigger: ".o_pivot_view .o_pivot table .o_pivot_cell_value",
        },
        {
            trigger: ".o_menu_sections [data-menu-xmlid='emowaten_reporting.emowaten_reporting_menu_print']",
            run(helpers) {
                window.emowatenCaptureReports = [];
                return helpers.click();
            },
        },
        {
            trigger: ".modal button[name=action_print]",
            run: "click",
        },
        {
            trigger: "body[data-emowaten-report='emowaten_reporting.periodic_statistics_xlsx']",
        },
    ],
});
