# e-Mowaten — the two commands (see README.md). Both run as root on Debian 12 and install
# what is missing first.
.PHONY: run test lint bench help

help:
	@echo "make run   - set up everything, create the demo database 'emowaten', serve on http://localhost:8069"
	@echo "make test  - set up everything, run lint, every Odoo test on a fresh database, the demo database (built as make run builds it) and its journeys, and pytest tests/"
	@echo "make lint  - ruff, pylint-odoo (mandatory checks), oca-checks-odoo-module, oca-checks-po"
	@echo "make bench - the benchmark suite at national scale (QUICK=1 for the quick size)"

run:
	@bash scripts/run.sh

test:
	@bash scripts/test.sh

lint:
	@bash scripts/lint

# Benchmarks print figures, never assert them (benchmarks/README.md).
bench:
	@bash -c 'source scripts/lib.sh && emw_setup && "$$EMW_PY" benchmarks/run.py $(if $(QUICK),--quick)'
