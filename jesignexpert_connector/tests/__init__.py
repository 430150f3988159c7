from . import test_collection_sync
from . import test_collection_wizard
from . import test_clause_tour
from . import test_contract_document
from . import test_jesignexpert_api
from . import test_jesignexpert_firm
from . import test_jesignexpert_link
from . import test_translations
