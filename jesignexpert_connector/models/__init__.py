from . import jesignexpert_api
from . import jesignexpert_firm
from . import jesignexpert_access
from . import jesignexpert_link_request
from . import res_config_settings
from . import res_users
