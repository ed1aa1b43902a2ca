{
    "name": "e-Mowaten: Citizen Portal",
    "summary": "File and follow requests online without coming to the counter, "
    "and publish open statistics on how public bodies answer",
    "version": "19.0.1.0.0",
    "category": "Services/e-Mowaten",
    "author": "e-Mowaten",
    "website": "https://github.com/e-mowaten/e-mowaten",
    "license": "LGPL-3",
    "depends": ["emowaten_petitions", "portal"],
    "data": [
        "security/ir.model.access.csv",
        "security/emowaten_portal_security.xml",
        "data/ir_config_parameter_data.xml",
        "data/ir_cron_data.xml",
        "views/emowaten_portal_templates.xml",
        "views/emowaten_request_portal_templates.xml",
        "views/emowaten_statistics_templates.xml",
        "views/emowaten_home_templates.xml",
    ],
    "assets": {
        "web.assets_frontend": [
            "emowaten_portal/static/src/scss/emowaten_portal.scss",
            "emowaten_portal/static/src/js/emowaten_portal_focus.js",
            "emowaten_portal/static/src/js/emowaten_portal_copy.js",
        ],
        "web.assets_tests": [
            "emowaten_portal/static/src/js/tours/*.js",
        ],
    },
    "installable": True,
}
