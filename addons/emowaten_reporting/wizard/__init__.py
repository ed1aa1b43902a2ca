from . import emowaten_reporting_wizard
