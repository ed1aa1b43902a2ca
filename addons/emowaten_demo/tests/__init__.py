# The journeys run only on the demonstration database (tag emowaten_demo).
from . import (
    test_adversarial,
    test_adversarial_http,
    test_clickbot,
    test_journey_agent,
    test_journey_citizen,
    test_journey_signatory,
    test_journey_staff,
)
