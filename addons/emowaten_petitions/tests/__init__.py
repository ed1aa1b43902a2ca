from . import test_install
from . import test_lifecycle
from . import test_deadlines
from . import test_routing
from . import test_escalation
