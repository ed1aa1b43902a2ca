import { registry } from "@web/core/registry";

// The office's manager opens the readiness board, reads the office's checklist,
// then records its equipment and sees the score move.
registry.category("web_tour.tours").add("emowaten_base_readiness_tour", {
    url: "/odoo/action-emowaten_base.emowaten_readiness_action",
    steps: () => [
        {
            content: "The board is grouped by governorate",
            trigger: ".o_kanban_renderer .o_kanban_group .o_column_title:contains('Tunis')",
        },
        {
            content: "Open the assessment of the tour office",
            trigger: ".o_kanban_record:contains('Tour Office')",
            run: "click",
        },
        {
            content: "The checklist is shown",
            trigger: ".o_field_widget[name=checklist_html]:contains('Staff assigned: 2')",
        },
        {
            trigger: ".o_field_widget[name=computer_count] input",
            run: "edit 2",
        },
        {
            trigger: ".o_field_widget[name=computer_connected_count] input",
            run: "edit 2",
        },
        {
            trigger: ".o_field_widget[name=scanner_count] input",
            run: "edit 1",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Equipment is now checked in the list",
            trigger: ".o_form_saved .o_field_widget[name=checklist_html] li:contains('2 connected computers') .fa-check",
        },
    ],
});
