"""Entry point: `flask --app app …`, `gunicorn app:app`, or `python app.py` to try it out."""

import gc
import os

from practice import create_app
from practice.pdf.text import preload_fonts

app = create_app()
# A web process reads the PDF fonts while it waits for its first request (see preload_fonts).
preload_fonts()
# What is made at start (the app, its routes, templates, models and fonts) lives as long as the
# process: moved out of the garbage collector's sight, so its full collections stop walking it
# every few hundred requests (70-80 ms each under gunicorn, most of a slow request's time).
gc.collect()
gc.freeze()


if __name__ == "__main__":
    from practice.cli import prepare_database
    from practice.local_address import addresses_to_open, is_loopback, listen_address

    with app.app_context():
        prepare_database()
    from practice import jobs

    # Links and reminders go out from this process: no Redis and no second command.
    if app.config["JOBS_IN_PROCESS_WORKERS"] > 0:
        jobs.start_in_process(app.config["JOBS_IN_PROCESS_WORKERS"])
    host, port = listen_address(dict(os.environ))
    addresses = addresses_to_open(host, port)
    print(f"\n  {app.config['PRACTICE_NAME']} is running at {addresses[0]}")
    for other in addresses[1:]:
        print(f"  On a phone or another computer on this network: {other}")
    if is_loopback(host):
        print("  Only this computer can open it. To try partner links from a phone on the same")
        print("  network, start it with HOST=0.0.0.0 and open the network address it prints.")
    print("  First time? Open that address to create the administrator account.\n", flush=True)
    app.run(host=host, port=port, debug=False)
