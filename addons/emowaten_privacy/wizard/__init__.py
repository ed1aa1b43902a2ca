from . import emowaten_privacy_export
