"""Where the recorded payloads are: ``shared/`` beside the checkout, or ``POITIERS_SHARED_DIR``
for a checkout elsewhere. Tests that replay them skip, naming the folder, when it is absent."""
import os

SHARED_DIR = os.environ.get("POITIERS_SHARED_DIR") or os.path.normpath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared"))
SHARED_FIXTURES = os.path.join(SHARED_DIR, "fixtures")
