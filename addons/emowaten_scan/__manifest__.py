{
    "name": "e-Mowaten: Scanned Paper Intake",
    "summary": "Scan batches, cover sheets and Arabic/French OCR for paper requests",
    "version": "19.0.1.0.0",
    "category": "Services/e-Mowaten",
    "author": "e-Mowaten",
    "website": "https://github.com/e-mowaten/e-mowaten",
    "license": "LGPL-3",
    # attachment_indexation: the searchable PDFs' text is indexed (pdfminer.six) so that
    # Odoo's attachment search finds a CIN, a phone or a date in a scanned letter
    "depends": ["emowaten_petitions", "attachment_indexation"],
    "external_dependencies": {
        "python": [
            "pytesseract",
            "opencv-python-headless",
            "numpy",
            "qrcode",
            "PyPDF2",
            "phonenumbers",
            "pdfminer.six",
        ],
        "bin": ["tesseract", "pdftoppm"],
    },
    "data": [
        "security/ir.model.access.csv",
        "security/emowaten_scan_security.xml",
        "data/ir_cron_data.xml",
        "views/emowaten_scan_batch_views.xml",
        "views/emowaten_scan_document_views.xml",
        "views/emowaten_office_views.xml",
        "views/emowaten_request_views.xml",
        "views/emowaten_scan_menus.xml",
    ],
    "demo": [
        "demo/emowaten_scan_demo.xml",
    ],
    "installable": True,
}
