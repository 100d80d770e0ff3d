"""Tool renewals: reminders 60 and 30 days before, and the owner's answer (renew, replace or drop)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel
from sqlalchemy.orm import Session

from commands.actor import SYSTEM, Actor
from commands.audit import record_change
from commands.errors import Command, InvalidInput, Mention, NotFound, PatchbayError
from commands.fields import Day, Form, MaybeName, RowId, Ticked
from commands.flows import FlowLine
from commands.impact import Link, tool_impact
from commands.notices import ReasonKind, StepReason
from commands.outbox import Kind, owe
from commands.policy import Policy
from commands.proposal_form import ProposalDraft, draft_of
from commands.tool_retirement import ToolRetirement, retire_tool_safely
from commands.tools import ToolCard, ToolDraft, register_tool, tool_for_steward
from commands.vocabulary import IN_FLIGHT, State
from storage.models import RenewalNotice, Tool
from storage.repositories import dashboard as dash_repo
from storage.repositories import integrations as integration_repo
from storage.repositories import measurements as measure_repo
from storage.repositories import renewals as repo
from storage.repositories import tools as tool_repo

THRESHOLDS = (60, 30)  # days before the renewal date, furthest first
# The notices made once a date has passed unanswered (their `days_before`): an auto-renewing tool is
# rolled forward a year, any other is asked about once more, the day after.
ROLLED_FORWARD = 0
PASSED = -1
HORIZON_DAYS = 90
PAGE_SIZE = 15
RUNNING = frozenset({State.LIVE, State.SUSPENDED, *IN_FLIGHT})


class Answer(StrEnum):
    RENEW = "renew"
    REPLACE = "replace"
    DROP = "drop"
    AUTO = "auto"  # nobody answered and the tool renewed automatically: Patchbay rolled the date forward


class Stage(StrEnum):
    """Where a renewal notice stands against its date."""

    AHEAD = "ahead"  # 60 or 30 days before
    RENEWED = "renewed"  # the date passed unanswered and the tool renewed automatically
    PASSED = "passed"  # the date passed unanswered and the tool does not renew by itself

    @classmethod
    def of(cls, days_before: int) -> Stage:
        if days_before == ROLLED_FORWARD:
            return cls.RENEWED
        return cls.PASSED if days_before == PASSED else cls.AHEAD


class NoticeRef(BaseModel):
    """Names one renewal reminder: the outbox item's payload, and the DM's button values."""

    notice_id: RowId


class Reliance(BaseModel):
    """What stops if the tool is dropped, and who relies on it."""

    integrations: list[Link]
    flows: list[FlowLine]
    people: list[str]
    hours_saved: Decimal


class RenewalView(BaseModel):
    """A reminder as its owner reads it."""

    notice_id: int
    tool: ToolCard
    renews_on: date
    days_left: int
    reliance: Reliance
    answer: Answer | None = None
    answered_by: str | None = None
    stage: Stage = Stage.AHEAD
    next_renews_on: date | None = None  # where an automatic renewal moved the date


def _reliance(session: Session, tool: Tool) -> Reliance:
    impact = tool_impact(session=session, name=tool.name)
    running = [link for link in impact.integrations if link.state in RUNNING]
    touching = [i for i in dash_repo.integrations_touching(session, [tool.id]) if State(i.state) in RUNNING]
    live = [i for i in touching if i.state == State.LIVE.value]
    latest = measure_repo.latest_of(session, [i.id for i in live])
    saved = sum(
        (latest[i.id].hours_saved_per_week if i.id in latest else i.hours_per_week for i in live), Decimal(0)
    )
    ends = {i.source_tool_id if i.target_tool_id == tool.id else i.target_tool_id for i in touching}
    downstream = [t.owner_id for t in tool_repo.all_tools(session) if t.id in ends]
    people = dict.fromkeys([*impact.people, *downstream])
    return Reliance(
        integrations=running,
        flows=[*impact.inbound_flows, *impact.outbound_flows],
        people=[p for p in people if p != tool.owner_id],
        hours_saved=saved,
    )


def remind_renewals(*, session: Session, now: datetime) -> int:
    """Owe each owner whose tool renews within 60 or 30 days one reminder per threshold.

    The notice's unique key is the claim: any number of replicas, and re-runs, make one notice and
    one DM. A renewal already answered gets no further reminder; one found late gets only the nearest.
    """
    today = now.date()
    made = 0
    for tool in repo.renewing_between(session, today, today + timedelta(days=THRESHOLDS[0])):
        assert tool.renews_on is not None
        days_left = (tool.renews_on - today).days
        due = min(t for t in THRESHOLDS if days_left <= t)
        earlier = repo.notices_for(session, tool.id, tool.renews_on)
        if any(n.answer for n in earlier) or any(n.days_before == due for n in earlier):
            continue
        notice = RenewalNotice(tool_id=tool.id, renews_on=tool.renews_on, days_before=due, created_at=now)
        if not repo.claim(session, notice):
            continue
        owe(
            session,
            kind=Kind.RENEWAL,
            now=now,
            recipient=tool.owner_id,
            text=NoticeRef(notice_id=notice.id).model_dump_json(),
        )
        record_change(
            session,
            actor=SYSTEM,
            now=now,
            action="tool.renewal_reminded",
            entity_type="tool",
            entity_id=tool.id,
            before=None,
            after={"renews_on": tool.renews_on.isoformat(), "days_before": due},
        )
        made += 1
    return made


def rolled_to(renews_on: date, today: date) -> date:
    """The first yearly renewal after `today` of a date that passed (a year on, for yesterday's)."""
    following = next_renewal(renews_on)
    while following <= today:
        following = next_renewal(following)
    return following


def follow_passed_renewals(*, session: Session, now: datetime) -> int:
    """The day after a renewal date passes unanswered: roll an auto-renewing tool's date forward a
    year and tell its owner; ask the owner of any other tool once more. How many owners are told.

    The rolling is a conditional update on the old date and each notice has a unique key, so any
    number of replicas, and re-runs, move the date once and send one DM.
    """
    today = now.date()
    told = 0
    for tool in repo.passed_unfollowed(session, today, asked=PASSED):
        tool_id, owner_id, old = tool.id, tool.owner_id, tool.renews_on
        assert old is not None
        if tool.auto_renews:
            to = rolled_to(old, today)
            if not repo.roll_forward(session, tool_id=tool_id, renews_on=old, to=to, at=now):
                continue
            notice = RenewalNotice(
                tool_id=tool_id,
                renews_on=old,
                days_before=ROLLED_FORWARD,
                created_at=now,
                answer=Answer.AUTO.value,
                answered_by=SYSTEM.user_id,
                answered_at=now,
            )
            action, before, after = (
                "tool.renewed_automatically",
                {"renews_on": old.isoformat()},
                {"renews_on": to.isoformat()},
            )
        else:
            notice = RenewalNotice(tool_id=tool_id, renews_on=old, days_before=PASSED, created_at=now)
            action, before, after = "tool.renewal_passed", None, {"renews_on": old.isoformat()}
        if not repo.claim(session, notice):
            continue
        owe(
            session,
            kind=Kind.RENEWAL,
            now=now,
            recipient=owner_id,
            text=NoticeRef(notice_id=notice.id).model_dump_json(),
        )
        record_change(
            session,
            actor=SYSTEM,
            now=now,
            action=action,
            entity_type="tool",
            entity_id=tool_id,
            before=before,
            after=after,
        )
        told += 1
    return told


def follow_renewals(*, session: Session, now: datetime) -> int:
    """The daily round: dates that passed unanswered, then the reminders 60 and 30 days ahead."""
    return follow_passed_renewals(session=session, now=now) + remind_renewals(session=session, now=now)


def _notice(session: Session, notice_id: int) -> tuple[RenewalNotice, Tool]:
    notice = repo.get(session, notice_id)
    tool = tool_repo.get(session, notice.tool_id) if notice else None
    if notice is None or tool is None:
        raise NotFound("That renewal reminder is no longer in Patchbay.")
    return notice, tool


def renewal_view(*, session: Session, notice_id: int) -> RenewalView:
    """The reminder with what depends on the tool now."""
    notice, tool = _notice(session, notice_id)
    answered = next((n for n in repo.notices_for(session, tool.id, notice.renews_on) if n.answer), None)
    return RenewalView(
        notice_id=notice.id,
        tool=ToolCard.of(tool),
        renews_on=notice.renews_on,
        days_left=(notice.renews_on - notice.created_at.date()).days,
        reliance=_reliance(session, tool),
        answer=Answer(answered.answer) if answered and answered.answer else None,
        answered_by=answered.answered_by if answered else None,
        stage=Stage.of(notice.days_before),
        next_renews_on=rolled_to(answered.renews_on, answered.created_at.date())
        if answered and answered.answer == Answer.AUTO
        else None,
    )


def _answer(session: Session, actor: Actor, notice_id: int, answer: Answer, now: datetime) -> Tool:
    """Take the answer for the reminder's renewal, once: who may answer, and whether it still stands."""
    notice, tool = _notice(session, notice_id)
    tool_for_steward(session=session, actor=actor, tool_id=tool.id, doing="answer its renewal")
    for other in repo.notices_for(session, tool.id, notice.renews_on):
        if other.answer == Answer.AUTO:
            raise PatchbayError(
                "{name} renewed automatically on {day}, when nobody had answered: it renews next on"
                " {next}. Edit on its card changes that date.",
                name=tool.name,
                day=f"{notice.renews_on:%b %-d, %Y}",
                next=f"{rolled_to(other.renews_on, other.created_at.date()):%b %-d, %Y}",
            )
        if other.answer:
            raise PatchbayError(
                "{name}'s renewal was already answered by {who}: {answer}.",
                name=tool.name,
                who=Mention(other.answered_by or ""),
                answer=Answer(other.answer).value,
            )
    if tool.retired_at is not None or tool.renews_on != notice.renews_on:
        raise PatchbayError(
            "This reminder is out of date: {name} was retired or its renewal date changed since."
            " {command} shows what renews next.",
            name=tool.name,
            command=Command("/patchbay renewals"),
        )
    if not repo.answer(session, notice_id=notice.id, answer=answer.value, by=actor.user_id, at=now):
        raise PatchbayError("{name}'s renewal was answered a moment ago.", name=tool.name)
    record_change(
        session,
        actor=actor,
        now=now,
        action="tool.renewal_answered",
        entity_type="tool",
        entity_id=tool.id,
        before=None,
        after={"renews_on": notice.renews_on.isoformat(), "answer": answer.value},
    )
    return tool


class RenewForm(Form):
    """The Renew modal: the next renewal date."""

    field_messages = {"renews_on": "Pick the next renewal date."}

    renews_on: Day
    auto_renews: Ticked = False


def renewal_for_steward(*, session: Session, actor: Actor, notice_id: int) -> RenewalView:
    """The reminder, if the actor may answer it (its tool's owner or an admin)."""
    view = renewal_view(session=session, notice_id=notice_id)
    tool_for_steward(session=session, actor=actor, tool_id=view.tool.id, doing="answer its renewal")
    return view


def next_renewal(renews_on: date) -> date:
    """A year on (28 February for 29 February)."""
    try:
        return renews_on.replace(year=renews_on.year + 1)
    except ValueError:
        return renews_on.replace(year=renews_on.year + 1, day=28)


def renew_tool(*, session: Session, actor: Actor, notice_id: int, form: RenewForm, now: datetime) -> ToolCard:
    """Renew: record the next renewal date (after the one being renewed)."""
    notice, _ = _notice(session, notice_id)
    if form.renews_on <= notice.renews_on:
        raise InvalidInput(
            {"renews_on": f"Pick a date after {notice.renews_on:%b %-d, %Y}, the one renewed now."}
        )
    if form.renews_on <= now.date():
        raise InvalidInput({"renews_on": f"Pick a date after today, {now:%b %-d, %Y}."})
    tool = _answer(session, actor, notice_id, Answer.RENEW, now)
    before = {"renews_on": notice.renews_on.isoformat(), "auto_renews": tool.auto_renews}
    tool.renews_on, tool.auto_renews, tool.updated_at = form.renews_on, form.auto_renews, now
    session.flush()
    record_change(
        session,
        actor=actor,
        now=now,
        action="tool.renewed",
        entity_type="tool",
        entity_id=tool.id,
        before=before,
        after={"renews_on": form.renews_on.isoformat(), "auto_renews": form.auto_renews},
    )
    return ToolCard.of(tool)


def drop_tool(
    *, session: Session, actor: Actor, notice_id: int, policy: Policy, now: datetime
) -> ToolRetirement:
    """Drop: retire the tool and start the teardown of every integration that depends on it."""
    tool = _answer(session, actor, notice_id, Answer.DROP, now)
    return retire_tool_safely(
        session=session, actor=actor, tool_id=tool.id, policy=policy, now=now, with_dependents=True
    )


class ReplaceForm(Form):
    """The Replace modal: a registered tool, or the name of a new one to register."""

    successor_id: RowId | None = None
    successor_name: MaybeName = ""


class Seed(BaseModel):
    """An integration of the old tool that the successor will need: proposed with one click."""

    integration_id: int
    title: str
    other_tool: str
    inbound: bool


class Replacement(BaseModel):
    tool: ToolCard
    successor: ToolCard
    registered: bool
    seeds: list[Seed]


def _successor(
    session: Session, actor: Actor, tool: Tool, form: ReplaceForm, now: datetime
) -> tuple[Tool, bool]:
    if form.successor_id and form.successor_name:
        raise InvalidInput({"successor_name": "Pick a registered tool or name a new one, not both."})
    if form.successor_id:
        found = tool_repo.get(session, form.successor_id)
        if found is None or found.retired_at is not None:
            raise InvalidInput({"successor_id": "Pick a tool that is registered and not retired."})
        if found.id == tool.id:
            raise InvalidInput({"successor_id": "A tool cannot replace itself: pick another."})
        return found, False
    if not form.successor_name:
        raise InvalidInput({"successor_id": "Pick the tool that replaces it, or name a new one below."})
    values = {"name": form.successor_name, "category": tool.category, "owner_id": tool.owner_id}
    try:
        draft = ToolDraft.parse(values)
        card = register_tool(session=session, actor=actor, draft=draft, now=now)
    except InvalidInput as exc:
        raise InvalidInput(
            {"successor_name": exc.errors.get("name", next(iter(exc.errors.values())))}
        ) from None
    registered = tool_repo.get(session, card.id)
    assert registered is not None
    return registered, True


def replace_tool(
    *, session: Session, actor: Actor, notice_id: int, form: ReplaceForm, now: datetime
) -> Replacement:
    """Replace: record the successor (registering it if new) and list the integrations it will need."""
    notice, tool = _notice(session, notice_id)
    tool_for_steward(session=session, actor=actor, tool_id=tool.id, doing="answer its renewal")
    successor, registered = _successor(session, actor, tool, form, now)
    _answer(session, actor, notice_id, Answer.REPLACE, now)
    before = ToolCard.of(tool).successor
    tool.successor_id, tool.updated_at = successor.id, now
    session.flush()
    session.refresh(tool)
    record_change(
        session,
        actor=actor,
        now=now,
        action="tool.replaced",
        entity_type="tool",
        entity_id=tool.id,
        before={"successor": before},
        after={"successor": successor.name, "renews_on": notice.renews_on.isoformat()},
    )
    names = {t.id: t.name for t in tool_repo.all_tools(session)}
    seeds = []
    for i in dash_repo.integrations_touching(session, [tool.id]):
        if State(i.state) not in RUNNING:
            continue
        inbound = i.target_tool_id == tool.id
        other = i.source_tool_id if inbound else i.target_tool_id
        seeds.append(
            Seed(integration_id=i.id, title=i.title, other_tool=names.get(other, "?"), inbound=inbound)
        )
        record_change(
            session,
            actor=actor,
            now=now,
            action="integration.tool_replaced",
            entity_type="integration",
            entity_id=i.id,
            before={"tool": tool.name},
            after={
                "successor": successor.name,
                "reason": StepReason(
                    kind=ReasonKind.TOOL_REPLACED, tool=tool.name, successor=successor.name
                ).model_dump(),
            },
        )
    return Replacement(
        tool=ToolCard.of(tool), successor=ToolCard.of(successor), registered=registered, seeds=seeds
    )


def successor_prefill(
    *, session: Session, integration_id: int, successor_id: int
) -> tuple[ProposalDraft, dict[int, str]]:
    """The proposal form for the successor's version of an integration: the old one with the tool swapped."""
    integration = integration_repo.get(session, integration_id)
    successor = tool_repo.get(session, successor_id)
    if integration is None or successor is None:
        raise NotFound("That integration or tool is no longer in Patchbay.")
    source = tool_repo.get(session, integration.source_tool_id)
    swap = (
        "source_tool_id" if source is not None and source.successor_id == successor.id else "target_tool_id"
    )
    draft = draft_of(integration)
    changes: dict[str, object] = {
        "title": f"{integration.title} ({successor.name})"[:120],
        swap: successor.id,
    }
    draft = draft.model_copy(update=changes)
    ids = [draft.source_tool_id, draft.target_tool_id]
    return draft, tool_repo.names(session, ids)


class RenewalLine(BaseModel):
    tool_id: int
    name: str
    owner_id: str
    renews_on: date
    auto_renews: bool
    days_left: int
    successor: str


class RenewalPage(BaseModel):
    lines: list[RenewalLine]
    total: int
    page: int
    pages: int


def upcoming_renewals(*, session: Session, today: date, page: int = 1) -> RenewalPage:
    """Tools that renew in the next 90 days, soonest first, one page."""
    page = max(page, 1)
    last = today + timedelta(days=HORIZON_DAYS)
    total = repo.count_renewing_between(session, today, last)
    found = repo.renewing_between(session, today, last, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    lines = [
        RenewalLine(
            tool_id=t.id,
            name=t.name,
            owner_id=t.owner_id,
            renews_on=t.renews_on,
            auto_renews=t.auto_renews,
            days_left=(t.renews_on - today).days,
            successor=t.successor.name if t.successor else "",
        )
        for t in found
        if t.renews_on is not None
    ]
    return RenewalPage(
        lines=lines, total=total, page=page, pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    )
