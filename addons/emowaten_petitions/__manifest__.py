{
    "name": "e-Mowaten: Petitions and Guidance Requests",
    "summary": "The request lifecycle of a Citizen Relations Office, from intake "
    "to the "
    "written answer",
    "version": "19.0.1.0.0",
    "category": "Services/e-Mowaten",
    "author": "e-Mowaten",
    "website": "https://github.com/e-mowaten/e-mowaten",
    "license": "LGPL-3",
    "depends": ["emowaten_base", "mail", "portal", "resource"],
    "external_dependencies": {"python": ["pytz"]},
    "data": [
        "security/ir.model.access.csv",
        "security/emowaten_petitions_security.xml",
        "security/emowaten_partner_security.xml",
        "security/emowaten_config_security.xml",
        "data/emowaten_request_stage_data.xml",
        "data/emowaten_request_type_data.xml",
        "data/emowaten_inadmissibility_reason_data.xml",
        "data/emowaten_escalation_level_data.xml",
        "data/emowaten_request_category_data.xml",
        "data/ir_cron_data.xml",
        # the request form's buttons open the wizards' actions: wizards load first
        "wizard/emowaten_request_wizard_views.xml",
        "views/emowaten_request_views.xml",
        "views/emowaten_answer_views.xml",
        "views/emowaten_config_views.xml",
        "views/emowaten_office_views.xml",
        "report/emowaten_request_reports.xml",
        "report/emowaten_request_templates.xml",
        "data/mail_template_data.xml",
        "views/emowaten_petitions_menus.xml",
    ],
    "demo": [
        "demo/emowaten_request_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "emowaten_petitions/static/tests/tours/**/*",
        ],
    },
    "application": True,
    "installable": True,
}
