"""The performance benchmark: `flask --app app bench` (see the README's performance section).

data.py builds a synthetic practice with bulk inserts, measure.py times pages in process,
load.py drives the app under gunicorn with wrk, report.py prints the table and writes JSON,
command.py ties them together as the CLI command.
"""
