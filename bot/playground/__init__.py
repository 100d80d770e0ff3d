"""The playground: Patchbay driven without Slack, for `patchbay shell`, the tests and the benchmarks.

localslack.py      a local Slack Web API on 127.0.0.1 that records every call
localsocket.py     a local Socket Mode endpoint (a websocket server) the local Slack points at
slack_payloads.py  the payloads Slack sends: slash commands, block actions, view submissions, events
driver.py          signed requests into the running app; replies and Web API calls out
executor.py        a listener thread pool that can wait until all work it was given is done
shell/             `patchbay shell`: the real app in-process, driven from a terminal

It imports the app; nothing in the serving path imports it (an import-linter contract holds that),
and `bot.cli` loads the shell only for `patchbay shell`.
"""
