"""Entry point: `flask --app app …`, `gunicorn app:app`, or `python app.py` to try it out."""

import os

from practice import create_app

app = create_app()


if __name__ == "__main__":
    from practice.cli import prepare_database

    with app.app_context():
        prepare_database()
    port = int(os.environ.get("PORT", "5000"))
    print(f"\n  {app.config['PRACTICE_NAME']} is running at http://127.0.0.1:{port}/")
    print("  First time? Open that address to create the administrator account.\n")
    app.run(host="127.0.0.1", port=port, debug=False)
