{
    "name": "e-Mowaten: Electronic Signature",
    "summary": "PAdES signing of favourable answers with ANCE/TunTrust digital-ID "
    "certificates",
    "version": "19.0.1.0.0",
    "category": "Services/e-Mowaten",
    "author": "e-Mowaten",
    "website": "https://github.com/e-mowaten/e-mowaten",
    "license": "LGPL-3",
    # auditlog: who gave whom which signing rights (its rules in data/)
    "depends": ["emowaten_petitions", "auditlog"],
    "external_dependencies": {
        "python": [
            "pyhanko",
            "pyhanko-certvalidator",
            "python-bidi",
            "python-pkcs11",
            "qrcode",
        ]
    },
    "data": [
        "security/ir.model.access.csv",
        "security/emowaten_signature_security.xml",
        "data/emowaten_signature_data.xml",
        "data/emowaten_signature_trust_anchor_data.xml",
        "data/emowaten_signature_auditlog_rules.xml",
        "views/emowaten_signature_certificate_views.xml",
        "views/emowaten_signature_authority_views.xml",
        "views/emowaten_signature_log_views.xml",
        "views/emowaten_answer_views.xml",
        "views/res_config_settings_views.xml",
        "views/emowaten_signature_templates.xml",
        "views/emowaten_signature_agent_templates.xml",
        "wizard/emowaten_signature_sign_wizard_views.xml",
        "views/emowaten_signature_menus.xml",
    ],
    "demo": ["demo/emowaten_signature_demo.xml"],
    "installable": True,
}
