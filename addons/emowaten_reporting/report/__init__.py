from . import emowaten_xlsx_common
from . import emowaten_periodic_statistics_xlsx
from . import emowaten_office_xlsx
from . import emowaten_body_xlsx
