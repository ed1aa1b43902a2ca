from . import test_ocr_engine
from . import test_bad_input
from . import test_cover_split
from . import test_search_extract
from . import test_workers
from . import test_folder_import
from . import test_access
from . import test_upload_cover_route
