from . import test_access_log
from . import test_retention
from . import test_export
from . import test_access_matrix
