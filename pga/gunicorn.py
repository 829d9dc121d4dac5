"""gunicorn settings of the web container and of `make load`
(`gunicorn -c python:pga.gunicorn pga.wsgi:application --workers=4 --bind=...`).

Threaded workers keep a connection open between requests (a page, its styles and fonts over
one TLS connection instead of a handshake each) and serve another request while one waits
for the database. Django keeps one database connection per thread (CONN_MAX_AGE)."""

worker_class = "gthread"
threads = 4
keepalive = 5  # seconds an idle kept-alive connection stays open
