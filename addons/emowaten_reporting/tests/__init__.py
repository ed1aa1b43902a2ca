from . import test_analysis
from . import test_access_rights
from . import test_xlsx_reports
from . import test_wizard
