"""`patchbay shell`: the real app, in-process, against a local Slack, driven from a terminal.

session.py  starts LocalSlack, the app over HTTP, the clock and the database; sends what a person does
render.py   Block Kit and mrkdwn as terminal text, with numbered buttons
forms.py    a modal as a form: each input prompted in order, Slack's errors shown at their field
repl.py     the prompt loop: slash commands, button numbers and the shell's own `:commands`
scheduler.py the seam where scheduler jobs plug in (`:advance`, `:now`)
demo.py     the sample stack `--demo` loads
main.py     `patchbay shell [--db PATH] [--demo] [--script FILE] [--now WHEN]`
"""
