from . import emowaten_request_transfer
from . import emowaten_request_route
from . import emowaten_request_screen
from . import emowaten_request_deadline
from . import emowaten_answer_mass
