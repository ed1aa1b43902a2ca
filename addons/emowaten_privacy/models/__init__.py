from . import emowaten_privacy_access_log
from . import emowaten_privacy_mixin
from . import emowaten_request
from . import emowaten_answer
from . import emowaten_request_type
from . import res_partner
from . import res_config_settings
