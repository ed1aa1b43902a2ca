# Plain-Python engine of the scan addon (no Odoo import): loading, OCR, cover sheets,
# extraction and Arabic normalisation; the models only orchestrate it.
