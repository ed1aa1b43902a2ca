# Plain-Python signing engine (no Odoo imports): the Odoo models, the workstation
# agent's
# tests and the benchmark all use it.
