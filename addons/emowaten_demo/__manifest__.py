{
    "name": "e-Mowaten: Demonstration Journeys",
    "summary": "Browser journeys and click-everywhere checks of every e-Mowaten role "
    "on the demonstration database",
    "version": "19.0.1.0.0",
    "category": "Services/e-Mowaten",
    "author": "e-Mowaten",
    "website": "https://github.com/e-mowaten/e-mowaten",
    "license": "LGPL-3",
    "depends": [
        "emowaten_base",
        "emowaten_petitions",
        "emowaten_portal",
        "emowaten_privacy",
        "emowaten_reporting",
        "emowaten_scan",
        "emowaten_signature",
    ],
    "data": [],
    "assets": {
        "web.assets_tests": [
            "emowaten_demo/static/tests/tours/**/*",
        ],
    },
    "installable": True,
}
