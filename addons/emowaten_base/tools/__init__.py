from . import public_input
from . import arabic
