"""Block Kit for connecting run reports: the card's button, the form and the token shown once."""

from __future__ import annotations

from slack_sdk.models.blocks import Block as SlackBlock
from slack_sdk.models.views import View

from bot.forms import IntegrationRef
from bot.ids import Action, Block, Callback
from bot.text import escape
from bot.views.elements import actions, button, context, plain, section
from commands.proposal_card import IntegrationCard
from commands.run_tokens import IssuedToken, TokenStatus
from commands.vocabulary import State

EXAMPLE = (
    '{"run_id": "8841", "status": "error", "started_at": "2026-11-24T10:00:00Z", '
    '"finished_at": "2026-11-24T10:00:04Z", "records": 0, "error": "HubSpot 429"}'
)


def run_report_actions(card: IntegrationCard) -> list[SlackBlock]:
    """The Connect run reports button, on live integrations (it checks who presses it)."""
    if card.state is not State.LIVE:
        return []
    ref = IntegrationRef(integration_id=card.id).model_dump_json()
    return [actions(button("Connect run reports", Action.CONNECT_RUNS, ref), block_id=Block.RUN_BUTTONS)]


def connect_modal(status: TokenStatus, *, runs_url: str) -> View:
    """What a token is for, and whether one is active; submitting issues a new one."""
    lines = [
        f"*#{status.integration_id} {escape(status.title)}*",
        "Have the platform that runs this integration report each run (or each failed one) to "
        f"`POST {runs_url}`. Patchbay then shows its success rate, durations and freshness on the card, "
        "and alerts the owner when it starts failing.",
    ]
    if status.connected and status.connected_at:
        lines.append(
            f":warning: A token (`{status.hint}…`) has been in use since "
            f"{status.connected_at:%Y-%m-%d %H:%M} UTC. A new one stops the old one at once."
        )
    return View(
        type="modal",
        callback_id=Callback.RUN_TOKEN,
        private_metadata=IntegrationRef(integration_id=status.integration_id).model_dump_json(),
        title=plain("Connect run reports"),
        submit=plain("Rotate token" if status.connected else "Create token"),
        close=plain("Cancel"),
        blocks=[section("\n".join(lines))],
    )


def token_modal(issued: IssuedToken, *, runs_url: str) -> View:
    """The token, shown this once, and short recipes (the README has them in full)."""
    done = "rotated: the old token no longer works" if issued.rotated else "created"
    auth = f"Authorization: Bearer {issued.token}"
    curl = f'curl -X POST {runs_url} -H "{auth}" -H "Content-Type: application/json" -d \'{EXAMPLE}\''
    blocks: list[SlackBlock] = [
        section(
            f"*#{issued.integration_id} {escape(issued.title)}*: token {done}.\n"
            ":key: Copy it now into your platform's secret store; Patchbay keeps only a hash and "
            f"cannot show it again.\n```{issued.token}```"
        ),
        section(
            f"*Every platform* sends JSON to `POST {runs_url}` with the header `Authorization: Bearer "
            '<token>`: one run, or `{"runs": [...]}` with up to 500. Fields: `run_id`, `status` '
            "(success, error or partial), `started_at`, `finished_at` (ISO 8601 with a time zone), "
            "optional `records`, `error` and `source_event_at`."
        ),
        section(
            "*Zapier*: add a *Webhooks by Zapier* POST step (for failures, in a Zapier Manager "
            '"New Zap Error" Zap).\n'
            "*Make*: add an error-handler route with the *HTTP > Make a request* module.\n"
            "*n8n*: an *Error Trigger* workflow with an *HTTP Request* node.\n"
            '*Workato*: a *RecipeOps* "job failed" trigger with the *HTTP* connector.'
        ),
        section(f"*curl*\n```{curl}```"),
        context("The README's *Run reports* section has each recipe step by step, and a Python example."),
    ]
    return View(type="modal", title=plain("Connect run reports"), close=plain("Done"), blocks=blocks)
