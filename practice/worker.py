"""For Huey's own consumer: `huey_consumer practice.worker.huey -w 4 -k thread`.

(`flask --app app jobs worker` does the same with our defaults.)"""

from practice import create_app

app = create_app()
huey = app.extensions["huey"]
