{
    "name": "e-Mowaten: Petitions and Guidance Requests",
    "summary": "The request lifecycle of a Citizen Relations Office, from intake to the "
    "written answer",
    "version": "19.0.1.0.0",
    "category": "Services/e-Mowaten",
    "author": "e-Mowaten",
    "website": "https://github.com/e-mowaten/e-mowaten",
    "license": "LGPL-3",
    "depends": ["emowaten_base"],
    "data": [],
    "application": True,
    "installable": True,
}
