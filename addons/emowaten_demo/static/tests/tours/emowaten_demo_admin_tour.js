import { registry } from "@web/core/registry";
import { cookie, openApp, openMenu } from "@emowaten_demo/../tests/tours/utils/emowaten_demo_tour_utils";

// The administrator creates a public body, its Citizen Relations Office with two members
// and an e-mail alias, and a request type with its legal deadline.
registry.category("web_tour.tours").add("emowaten_demo_admin_tour", {
    url: "/odoo",
    steps: () => [
        ...openApp("emowaten_base.emowaten_base_menu_root"),
        ...openMenu("emowaten_base.emowaten_base_menu_institutions", "emowaten_base.emowaten_body_menu"),
        {
            trigger:
                ".o_control_panel_main_buttons button.o_list_button_add, " +
                ".o_control_panel_main_buttons button.o-kanban-button-new",
            run: "click",
        },
        { trigger: ".o_form_view div[name=name] input", run: "edit Journey Agency for Digital Services" },
        { trigger: ".o_form_view div[name=code] input", run: "edit JRN-AG" },
        { trigger: ".o_form_view .o_form_button_save", run: "click" },
        { trigger: ".o_form_status_indicator:not(:has(.o_form_status_indicator_buttons:not(.invisible)))" },
        ...openMenu("emowaten_base.emowaten_base_menu_institutions", "emowaten_base.emowaten_office_menu"),
        {
            trigger:
                ".o_control_panel_main_buttons button.o_list_button_add, " +
                ".o_control_panel_main_buttons button.o-kanban-button-new",
            run: "click",
        },
        { trigger: ".o_form_view div[name=name] input", run: "edit Journey Office" },
        { trigger: ".o_form_view div[name=code] input", run: "edit JRN-OFF" },
        { trigger: ".o_form_view div[name=reference_prefix] input", run: "edit JRN" },
        { trigger: ".o_form_view div[name=body_id] input", run: "edit JRN-AG" },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains(Journey Agency for Digital Services)",
            run: "click",
        },
        { trigger: ".o_form_view div[name=alias_name] input", run: "edit journey-office" },
        { trigger: ".o_form_view div[name=member_ids] .o_field_x2many_list_row_add a", run: "click" },
        { trigger: ".o_form_view div[name=member_ids] .o_data_row div[name=user_id] input", run: `edit ${cookie("emw_agent")}` },
        { trigger: `.o-autocomplete--dropdown-item a:contains("${cookie("emw_agent")}")`, run: "click" },
        { trigger: ".o_form_view div[name=member_ids] .o_data_row div[name=role] .o_select_menu_toggler", run: "click" },
        { trigger: `.o_select_menu_item:contains("${cookie("emw_role_agent")}")`, run: "click" },
        { trigger: ".o_form_view div[name=member_ids] .o_field_x2many_list_row_add a", run: "click" },
        { trigger: ".o_form_view div[name=member_ids] .o_data_row:eq(1) div[name=user_id] input", run: `edit ${cookie("emw_manager")}` },
        { trigger: `.o-autocomplete--dropdown-item a:contains("${cookie("emw_manager")}")`, run: "click" },
        { trigger: ".o_form_view div[name=member_ids] .o_data_row:eq(1) div[name=role] .o_select_menu_toggler", run: "click" },
        { trigger: `.o_select_menu_item:contains("${cookie("emw_role_manager")}")`, run: "click" },
        { trigger: ".o_form_view .o_form_button_save", run: "click" },
        { trigger: ".o_form_status_indicator:not(:has(.o_form_status_indicator_buttons:not(.invisible)))" },
        ...openApp("emowaten_petitions.emowaten_petitions_menu_root"),
        ...openMenu("emowaten_petitions.emowaten_petitions_menu_config", "emowaten_petitions.emowaten_request_type_menu"),
        {
            trigger:
                ".o_control_panel_main_buttons button.o_list_button_add, " +
                ".o_control_panel_main_buttons button.o-kanban-button-new",
            run: "click",
        },
        { trigger: ".o_form_view div[name=name] input", run: "edit Journey request for a digital certificate" },
        { trigger: ".o_form_view div[name=code] input", run: "edit JRN-CERT" },
        { trigger: ".o_form_view div[name=deadline_days] input", run: "edit 45" },
        { trigger: ".o_form_view .o_form_button_save", run: "click" },
        { trigger: ".o_form_status_indicator:not(:has(.o_form_status_indicator_buttons:not(.invisible)))" },
    ],
});
