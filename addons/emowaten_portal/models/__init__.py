from . import emowaten_portal_throttle
from . import emowaten_portal_statistics
from . import emowaten_portal_statistics_snapshot
from . import emowaten_request
