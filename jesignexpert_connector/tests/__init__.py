from . import test_jesignexpert_api
