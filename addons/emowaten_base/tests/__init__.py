from . import test_access_rights
from . import test_body
from . import test_citizen
from . import test_holidays
from . import test_hosting
from . import test_readiness
from . import test_reference_data
from . import test_tour
