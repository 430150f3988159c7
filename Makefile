# The two commands of the README, over the scripts in tools/.
#   make test      linters, the suites without Odoo, and the Odoo suite when Odoo 18.0 is available
#   make run       PostgreSQL, the sandbox and Odoo 18.0 with the addon on http://127.0.0.1:$(ODOO_PORT)
#   make sandbox   the jesignexpert.com sandbox alone (the jse-sandbox package in sandbox/)
#   make i18n      refresh i18n/*.pot and fr.po from the code (needs Odoo)
#   make bench     print the speed and memory figures of the signature journey (needs Odoo)
#   make screenshots  the README's screenshots, through make run's demo in Chromium (needs Odoo)
#   make chaos     the randomized fault campaign of the way back, 100 schedules (needs Odoo)
.PHONY: test run sandbox i18n bench screenshots chaos

test:
	@bash tools/test.sh

run:
	@bash tools/run.sh

sandbox:
	@bash tools/sandbox.sh

i18n:
	@bash tools/i18n.sh

bench:
	@bash tools/bench.sh

screenshots:
	@bash tools/screenshots.sh

chaos:
	@bash tools/chaos.sh
