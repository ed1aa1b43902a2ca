from . import test_intake
from . import test_tracking
from . import test_my_requests
from . import test_statistics
from . import test_throttle
from . import test_tour
from . import test_languages
from . import test_journey_defects
