from . import emowaten_request_analysis
