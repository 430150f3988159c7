from . import jesignexpert_api
