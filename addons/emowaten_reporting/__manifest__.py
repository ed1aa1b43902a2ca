{
    "name": "e-Mowaten: Reporting",
    "summary": "Analysis of requests, dashboards per role and XLSX statistics for "
    "Citizen Relations Offices, bodies and the Central Bureau",
    "version": "19.0.1.0.0",
    "category": "Services/e-Mowaten",
    "author": "e-Mowaten",
    "website": "https://github.com/e-mowaten/e-mowaten",
    "license": "LGPL-3",
    "depends": ["emowaten_petitions", "report_xlsx"],
    "external_dependencies": {"python": ["xlsxwriter"]},
    "data": [
        "security/ir.model.access.csv",
        "security/emowaten_reporting_security.xml",
        "views/emowaten_request_analysis_views.xml",
        "wizard/emowaten_reporting_wizard_views.xml",
        "report/emowaten_reporting_reports.xml",
        "views/emowaten_reporting_menus.xml",
    ],
    "installable": True,
}
