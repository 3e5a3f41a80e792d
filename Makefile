# The two commands of the README, and a few more. All the work is in scripts/portal.sh.
.PHONY: demo test stop status setup lint i18n

demo:   ## install what is missing, start services, load French demo content, serve :5000
	@bash scripts/portal.sh demo

test:   ## the same setup without demo content, then the whole test suite
	@bash scripts/portal.sh test

setup:  ## install and start PostgreSQL, Redis, Solr; create databases; no demo, no web server
	@bash scripts/portal.sh setup

stop:   ## stop what demo/test/setup started (by pid)
	@bash scripts/portal.sh stop

status:
	@bash scripts/portal.sh status

i18n:   ## extract our strings, update fr/en catalogues, compile them
	@bash scripts/i18n.sh
