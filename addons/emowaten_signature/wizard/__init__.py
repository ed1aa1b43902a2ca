from . import emowaten_signature_sign_wizard
