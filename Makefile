# The two commands of the README. Both set everything up on a fresh machine first.
.PHONY: setup app test bench

setup:
	bash scripts/setup.sh

app: setup
	.venv/bin/python -m streamlit run app.py --server.address 127.0.0.1 --browser.gatherUsageStats false

test:
	bash scripts/setup.sh --browser
	.venv/bin/python -m pytest -q
