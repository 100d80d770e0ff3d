"""What breaks if a tool changes or goes: its flows and integrations, their owners and data."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy.orm import Session

from commands.flows import FlowLine, FlowMode, lines_of
from commands.tools import ToolCard, find_tool
from commands.vocabulary import ENDED, OPEN_PROPOSAL, DataClass, DataKind, Method, State
from storage.repositories import dashboard as dash_repo
from storage.repositories import flows as flow_repo
from storage.repositories import tools as tool_repo


class Link(BaseModel):
    """An integration or proposal that touches the tool, seen from the tool."""

    id: int
    title: str
    state: State
    inbound: bool
    other_tool: str
    owner_id: str
    method: Method
    data_kinds: list[DataKind]
    data_classes: list[DataClass]


class Impact(BaseModel):
    tool: ToolCard
    inbound_flows: list[FlowLine]
    outbound_flows: list[FlowLine]
    integrations: list[Link]
    proposals: list[Link]
    data_kinds: list[DataKind]
    data_classes: list[DataClass]
    people: list[str]

    @property
    def inbound(self) -> list[Link]:
        return [link for link in self.integrations if link.inbound]

    @property
    def outbound(self) -> list[Link]:
        return [link for link in self.integrations if not link.inbound]


def tool_impact(*, session: Session, name: str) -> Impact:
    """Everything that depends on the named tool, and who to tell before changing it."""
    tool = find_tool(session=session, name=name)
    names = {t.id: t.name for t in tool_repo.all_tools(session)}
    flows = lines_of(session, list(flow_repo.touching(session, tool.id)))
    links: list[Link] = []
    for i in dash_repo.integrations_touching(session, [tool.id]):
        if State(i.state) in ENDED:
            continue
        inbound = i.target_tool_id == tool.id
        links.append(
            Link(
                id=i.id,
                title=i.title,
                state=State(i.state),
                inbound=inbound,
                other_tool=names.get(i.source_tool_id if inbound else i.target_tool_id, "?"),
                owner_id=i.owner_id,
                method=Method(i.method),
                data_kinds=[DataKind(k) for k in i.data_kinds],
                data_classes=[DataClass(c) for c in i.data_classes],
            )
        )
    running = [link for link in links if link.state not in OPEN_PROPOSAL]
    kinds = {k for link in running for k in link.data_kinds}
    kinds |= {k for f in flows if f.mode is not FlowMode.AUTOMATED for k in f.data_kinds}
    kinds |= set(tool.data_kinds)
    classes = {c for link in running for c in link.data_classes} - {DataClass.NONE}
    people = [tool.owner_id, *(link.owner_id for link in running), *(f.done_by for f in flows if f.done_by)]
    return Impact(
        tool=tool,
        inbound_flows=[f for f in flows if f.target_tool_id == tool.id],
        outbound_flows=[f for f in flows if f.source_tool_id == tool.id],
        integrations=running,
        proposals=[link for link in links if link.state in OPEN_PROPOSAL],
        data_kinds=[k for k in DataKind if k in kinds],
        data_classes=[c for c in DataClass if c in classes],
        people=list(dict.fromkeys(people)),
    )
