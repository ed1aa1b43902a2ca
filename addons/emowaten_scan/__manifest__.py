{
    "name": "e-Mowaten: Scanned Paper Intake",
    "summary": "Scan batches, cover sheets and Arabic/French OCR for paper requests",
    "version": "19.0.1.0.0",
    "category": "Services/e-Mowaten",
    "author": "e-Mowaten",
    "website": "https://github.com/e-mowaten/e-mowaten",
    "license": "LGPL-3",
    "depends": ["emowaten_petitions"],
    "external_dependencies": {"python": ["pytesseract", "opencv-python-headless"]},
    "data": [],
    "installable": True,
}
