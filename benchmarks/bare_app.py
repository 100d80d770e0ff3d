"""The baseline: a bare Bolt app that acks `/patchbay` with a fixed string, served by waitress the
same way `patchbay serve` is (HTTP mode, 16 threads), with its client on the same Slack stand-in.

    python -m benchmarks.bare_app --port 3001   (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_API_URL)
"""

from __future__ import annotations

import argparse
import os

import waitress
from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient


def create_bare_app() -> App:
    client = WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"])
    app = App(
        client=client, signing_secret=os.environ["SLACK_SIGNING_SECRET"], token_verification_enabled=False
    )

    @app.command("/patchbay")
    def patchbay(ack: Ack) -> None:
        ack("Patchbay is here.")

    return app


def main() -> None:
    args = argparse.ArgumentParser()
    args.add_argument("--port", type=int, required=True)
    port = args.parse_args().port
    waitress.serve(SlackRequestHandler(create_bare_app()), host="127.0.0.1", port=port, threads=16)


if __name__ == "__main__":
    main()
