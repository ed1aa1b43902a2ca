{
    "name": "e-Mowaten: Personal Data Protection",
    "summary": "Read-access log of citizens' files, retention and anonymisation of "
    "closed requests, and export of a citizen's data (organic law 2004-63)",
    "version": "19.0.1.0.0",
    "category": "Services/e-Mowaten",
    "author": "e-Mowaten",
    "website": "https://github.com/e-mowaten/e-mowaten",
    "license": "LGPL-3",
    "depends": ["emowaten_petitions"],
    "data": [
        "security/ir.model.access.csv",
        "security/emowaten_privacy_security.xml",
        "data/ir_config_parameter_data.xml",
        "data/ir_cron_data.xml",
        "views/emowaten_privacy_access_log_views.xml",
        "views/emowaten_request_type_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "wizard/emowaten_privacy_export_views.xml",
        "views/emowaten_privacy_menus.xml",
    ],
    "installable": True,
}
