{
    "name": "e-Mowaten: Public Bodies and Offices",
    "summary": "Public bodies, Citizen Relations Offices, roles, citizens, readiness "
    "and hosting costs for Tunisia's e-Mowaten system",
    "version": "19.0.1.0.0",
    "category": "Services/e-Mowaten",
    "author": "e-Mowaten",
    "website": "https://github.com/e-mowaten/e-mowaten",
    "license": "LGPL-3",
    "depends": ["base", "mail", "resource", "portal", "phone_validation"],
    "external_dependencies": {"python": ["phonenumbers", "python-stdnum"]},
    "data": [
        "security/emowaten_base_groups.xml",
        "security/ir.model.access.csv",
    ],
    "application": True,
    "installable": True,
}
