{
    "name": "e-Mowaten: Electronic Signature",
    "summary": "PAdES signing of favourable answers with ANCE/TunTrust digital-ID "
    "certificates",
    "version": "19.0.1.0.0",
    "category": "Services/e-Mowaten",
    "author": "e-Mowaten",
    "website": "https://github.com/e-mowaten/e-mowaten",
    "license": "LGPL-3",
    "depends": ["emowaten_petitions"],
    "external_dependencies": {"python": ["pyhanko"]},
    "data": [],
    "installable": True,
}
