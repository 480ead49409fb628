"""The server process of the browser tests: `python -m tests.browser.serve PORT`.

The configuration comes from the environment (KENSA_CONFIG=testing, DATABASE_URL);
the browser tests' conftest starts and stops this process.
"""

from __future__ import annotations

import sys

from werkzeug.serving import run_simple

from app import create_app


def main() -> None:
    port = int(sys.argv[1])
    app = create_app()
    # Fail at start, not at the first request, if the config is not what the tests need.
    assert app.config["WTF_CSRF_ENABLED"], "browser tests need real CSRF protection"
    assert app.config["MAIL_BACKEND"] == "null", "browser tests read e-mail from the outbox"
    assert not app.config["OUTBOX_SEND_AFTER_REQUEST"], "e-mail must stay pending in the outbox"
    run_simple("127.0.0.1", port, app, threaded=True, use_reloader=False, use_debugger=False)


if __name__ == "__main__":
    main()
