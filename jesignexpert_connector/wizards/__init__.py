from . import jesignexpert_collection_wizard
from . import jesignexpert_collection_wizard_line
