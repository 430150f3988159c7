from . import test_jesignexpert_api
from . import test_translations
