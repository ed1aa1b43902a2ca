from . import test_certificates
from . import test_authority
from . import test_signing_flows
from . import test_refusals
from . import test_audit
from . import test_verification
from . import test_stamp
from . import test_concurrency
