from . import emowaten_request_analysis
from . import emowaten_request_analysis_monthly
