"""Gunicorn settings for ntm (`ntm serve --production` passes this file and the same values
on its command line; `gunicorn -c config/gunicorn.conf.py config.wsgi` works alone too).

Workers, threads, timeout, bind and trusted proxy addresses come from the environment:
NTM_WORKERS (default 2 x cores + 1, at most 12), NTM_THREADS (4), NTM_TIMEOUT (120 s),
NTM_BIND (127.0.0.1:8000), NTM_TRUSTED_PROXY and NTM_FORWARDED_ALLOW_IPS. See docs/deploy.md.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ntm.production import ACCESS_LOG_FORMAT, gunicorn_options  # noqa: E402

_options = gunicorn_options(os.environ, os.cpu_count())

wsgi_app = "config.wsgi:application"
workers = _options["workers"]
threads = _options["threads"]
timeout = _options["timeout"]
graceful_timeout = 30
bind = [_options["bind"]]
forwarded_allow_ips = _options["forwarded_allow_ips"]
# Access log on stdout (path without query string), errors on stderr: journald keeps both.
accesslog = "-"
errorlog = "-"
access_log_format = ACCESS_LOG_FORMAT
# No max_requests: a worker restarted on a request count would end the Excel import
# running in its background thread (NTM_WORKBOOK_JOBS=thread, docs/deploy.md).
# Request lines and headers beyond these are refused by gunicorn itself.
limit_request_line = 8190
limit_request_fields = 100
